package org.twofold.demo

import android.app.Application
import org.twofold.demo.platform.ReminderScheduler
import org.twofold.demo.platform.SyncWorker

/** Builds the [AppGraph] once per process and schedules the periodic background work. */
class TwofoldApplication : Application() {
    lateinit var graph: AppGraph
        private set

    override fun onCreate() {
        super.onCreate()
        graph = AppGraph(this)
        SyncWorker.schedule(this)
        ReminderScheduler.createChannel(this)
    }
}
