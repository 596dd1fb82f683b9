package org.twofold.demo.ui

import android.Manifest
import android.os.Build
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.ui.platform.LocalContext
import androidx.lifecycle.compose.LifecycleStartEffect
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import java.util.Locale
import kotlinx.coroutines.flow.catch
import org.twofold.demo.model.coreLang
import org.twofold.demo.model.CrisisModel
import org.twofold.demo.model.ReminderPlanner
import org.twofold.demo.model.SyncModel
import org.twofold.demo.platform.ReminderScheduler
import org.twofold.kit.TwofoldError

/** What the app does while it is in front, wired once in [TwofoldApp]. */
private class ForegroundModels(val sync: SyncModel, val crisis: CrisisModel, val reminders: ReminderPlanner)

/**
 * While the app is in front: live sync runs (edits go out at once, a mentor's arrive at once);
 * on each start the reminders are planned again. Asks once for the notification permission
 * (API 33+).
 */
@Composable
fun Foreground() {
    val context = LocalContext.current
    val vm = screenModel("foreground") { store, scope ->
        ForegroundModels(
            SyncModel(relays(store), scope),
            CrisisModel(store, coreLang(deviceLocales()), scope, Locale.getDefault().country.ifEmpty { null }),
            ReminderPlanner(store, clock, settings),
        )
    }
    val leased by vm.model.collectAsStateWithLifecycle()
    val models = (leased as? Leased.Ready<ForegroundModels>)?.model ?: return
    LifecycleStartEffect(models) {
        models.sync.startLive()
        onStopOrDispose { models.sync.stopLive() }
    }
    // Alarms follow the schedule. A failure to read it (storage) leaves the last alarms in
    // place; the sync worker plans them again within the hour.
    LaunchedEffect(models) {
        models.reminders.plans()
            .catch { if (it !is TwofoldError) throw it }
            .collect { ReminderScheduler.replaceAll(context, it) }
    }
    if (Build.VERSION.SDK_INT >= 33) {
        val ask = rememberLauncherForActivityResult(ActivityResultContracts.RequestPermission()) { }
        LaunchedEffect(Unit) { ask.launch(Manifest.permission.POST_NOTIFICATIONS) }
    }
}
