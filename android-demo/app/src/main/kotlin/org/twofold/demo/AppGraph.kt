package org.twofold.demo

import android.content.Context
import java.io.File
import java.time.Clock
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
 * store holder (opened with the Keystore-wrapped key), the settings, the clock.
 */
class AppGraph(context: Context) {
    private val app = context.applicationContext
    val settings: AppSettings = PrefsSettings(app)
    val clock: Clock = Clock.systemDefaultZone()
    val feedFetcher = HttpFeedFetcher()

    private val key = DatabaseKey(File(app.noBackupFilesDir, "db.key"), KeystoreKeyWrapper())

    /** The store lives in noBackupFilesDir: it is never part of a backup (see the manifest). */
    val storeHolder = StoreHolder {
        Store.open(File(app.noBackupFilesDir, "twofold.db").path, key.getOrCreate())
    }

    private val relays = java.util.WeakHashMap<Store, Relays>()

    /** One set of relay sessions per open store, shared by every screen and the worker. */
    @Synchronized
    fun relays(store: Store): Relays = relays.getOrPut(store) { Relays(store, settings) }
}

val Context.graph: AppGraph get() = (applicationContext as TwofoldApplication).graph
