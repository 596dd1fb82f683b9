package org.twofold.demo.platform

import android.content.Context
import androidx.work.Constraints
import androidx.work.CoroutineWorker
import androidx.work.ExistingPeriodicWorkPolicy
import androidx.work.NetworkType
import androidx.work.PeriodicWorkRequestBuilder
import androidx.work.WorkManager
import androidx.work.WorkerParameters
import java.util.concurrent.TimeUnit
import org.twofold.demo.graph
import org.twofold.demo.model.BackgroundSync
import org.twofold.demo.model.ReminderPlanner
import org.twofold.demo.model.SyncOutcome
import org.twofold.kit.TwofoldError

/**
 * Periodic background sync (and a fresh set of reminders, since a mentor may have added a
 * meeting). The logic is app-model's [BackgroundSync]; this only leases the store and maps
 * the outcome to WorkManager's retry.
 */
class SyncWorker(context: Context, params: WorkerParameters) : CoroutineWorker(context, params) {
    override suspend fun doWork(): Result {
        val graph = applicationContext.graph
        // With the app lock on, the store opens only with the PIN: no sync until the person
        // unlocks (then live sync runs in front). Not a failure, nothing to retry.
        val lease = try {
            graph.storeHolder.lease()
        } catch (e: TwofoldError.Locked) {
            return Result.success()
        }
        return lease.use { held ->
            try {
                val outcome = BackgroundSync.runOnce(graph.relays(held.store))
                ReminderScheduler.replaceAll(applicationContext, ReminderPlanner(held.store, graph.clock, graph.settings).plan())
                if (outcome == SyncOutcome.RETRY_LATER) Result.retry() else Result.success()
            } catch (e: TwofoldError.Closed) {
                // The app locked again or erased everything meanwhile: its store is gone.
                Result.retry()
            }
        }
    }

    companion object {
        private const val NAME = "twofold-sync"

        /** Every hour when a network is there; WorkManager batches it with other apps' work. */
        fun schedule(context: Context) {
            val request = PeriodicWorkRequestBuilder<SyncWorker>(1, TimeUnit.HOURS)
                .setConstraints(Constraints.Builder().setRequiredNetworkType(NetworkType.CONNECTED).build())
                .build()
            WorkManager.getInstance(context).enqueueUniquePeriodicWork(NAME, ExistingPeriodicWorkPolicy.KEEP, request)
        }
    }
}
