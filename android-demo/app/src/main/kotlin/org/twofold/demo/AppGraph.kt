package org.twofold.demo

import android.content.Context
import java.io.File
import java.time.Clock
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import org.twofold.demo.model.AppLockGate
import org.twofold.demo.model.AppSettings
import org.twofold.demo.model.HttpFeedFetcher
import org.twofold.demo.model.Relays
import org.twofold.demo.model.StoreHolder
import org.twofold.demo.platform.KeystoreKeyWrapper
import org.twofold.demo.platform.PrefsSettings
import org.twofold.kit.DatabaseKey
import org.twofold.kit.Store

/**
 * The app's few singletons, wired by hand (no DI framework for a handful of objects): the
 * store holder (opened with the Keystore-wrapped key), the app lock's gate, the settings, the
 * clock.
 */
class AppGraph(context: Context) {
    private val app = context.applicationContext
    val settings: AppSettings = PrefsSettings(app)
    val clock: Clock = Clock.systemDefaultZone()
    val feedFetcher = HttpFeedFetcher()

    /** The platform key: made once, kept wrapped by the Keystore, deleted by "delete everything". */
    val databaseKey = DatabaseKey(File(app.noBackupFilesDir, "db.key"), KeystoreKeyWrapper())

    /** The store lives in noBackupFilesDir: it is never part of a backup (see the manifest). */
    private val storePath = File(app.noBackupFilesDir, "twofold.db").path

    /**
     * Opened with the platform key alone: with an app lock on, that is refused (`Locked`) and
     * only the [lockGate]'s unlock opens the store.
     */
    val storeHolder = StoreHolder { Store.open(storePath, databaseKey.getOrCreate()) }

    /** The process's own scope, for what outlives screens (the lock gate's countdown, the erase). */
    val appScope = CoroutineScope(SupervisorJob() + Dispatchers.Main.immediate)

    val lockGate = AppLockGate(storePath, databaseKey::getOrCreate, storeHolder, clock, appScope)

    private val relays = java.util.WeakHashMap<Store, Relays>()

    /** One set of relay sessions per open store, shared by every screen and the worker. */
    @Synchronized
    fun relays(store: Store): Relays = relays.getOrPut(store) { Relays(store, settings) }
}

val Context.graph: AppGraph get() = (applicationContext as TwofoldApplication).graph
