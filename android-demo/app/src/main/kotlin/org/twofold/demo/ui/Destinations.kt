package org.twofold.demo.ui

import androidx.annotation.StringRes
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.CalendarMonth
import androidx.compose.material.icons.filled.CheckCircle
import androidx.compose.material.icons.filled.Contacts
import androidx.compose.material.icons.filled.Devices
import androidx.compose.material.icons.filled.Home
import androidx.compose.material.icons.filled.Link
import androidx.compose.material.icons.filled.ListAlt
import androidx.compose.material.icons.filled.MoreHoriz
import androidx.compose.material.icons.filled.People
import androidx.compose.material.icons.filled.Settings
import androidx.compose.material.icons.filled.Share
import androidx.compose.material.icons.filled.Sync
import androidx.compose.ui.graphics.vector.ImageVector
import org.twofold.demo.R

/** Every screen, by route. The crisis screen is not here: it is a button on every screen. */
enum class Destination(val route: String, @StringRes val title: Int, val icon: ImageVector) {
    TODAY("today", R.string.screen_today, Icons.Filled.Home),
    CHECK_IN("check-in", R.string.screen_check_in, Icons.Filled.CheckCircle),
    PLAN("plan", R.string.screen_plan, Icons.Filled.ListAlt),
    SCHEDULE("schedule", R.string.screen_schedule, Icons.Filled.CalendarMonth),
    MORE("more", R.string.screen_more, Icons.Filled.MoreHoriz),
    CONTACTS("contacts", R.string.screen_contacts, Icons.Filled.Contacts),
    PAIRING("pairing", R.string.screen_pairing, Icons.Filled.Link),
    DEVICES("devices", R.string.screen_devices, Icons.Filled.Devices),
    SHARING("sharing", R.string.screen_sharing, Icons.Filled.Share),
    SHARED_WITH_ME("shared", R.string.screen_shared_with_me, Icons.Filled.People),
    SYNC("sync", R.string.screen_sync, Icons.Filled.Sync),
    SETTINGS("settings", R.string.screen_settings, Icons.Filled.Settings),
    MEDICATIONS("medications", R.string.screen_medications, Icons.Filled.ListAlt),
    ;

    companion object {
        val bottomBar = listOf(TODAY, CHECK_IN, PLAN, SCHEDULE, MORE)
        val more = listOf(CONTACTS, MEDICATIONS, PAIRING, DEVICES, SHARING, SHARED_WITH_ME, SYNC, SETTINGS)
        const val CRISIS = "crisis"
    }
}
