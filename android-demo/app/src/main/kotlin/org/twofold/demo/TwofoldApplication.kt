package org.twofold.demo

import android.app.Application
import org.twofold.demo.platform.ReminderScheduler
import org.twofold.demo.platform.SyncWorker

/**
 * Builds the [AppGraph] once per process, reads the app lock's state (the first screen is the
 * app or the lock screen) and schedules the periodic background work.
 */
class TwofoldApplication : Application() {
    lateinit var graph: AppGraph
        private set

    override fun onCreate() {
        super.onCreate()
        graph = AppGraph(this)
        graph.lockGate.start()
        SyncWorker.schedule(this)
        ReminderScheduler.createChannel(this)
    }
}
