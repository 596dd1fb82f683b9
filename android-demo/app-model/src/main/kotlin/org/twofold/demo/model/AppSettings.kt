package org.twofold.demo.model

/**
 * The few preferences the app keeps outside the store — none of them health data. On Android
 * they live in SharedPreferences; tests use [InMemorySettings].
 */
interface AppSettings {
    /** The relay the person chose (`https://…`): the only host the app syncs with. */
    var relayUrl: String?

    /** Whether reminders may name the meeting and the place on the lock screen. */
    var remindersShowDetail: Boolean
}

class InMemorySettings(
    override var relayUrl: String? = null,
    override var remindersShowDetail: Boolean = false,
) : AppSettings
