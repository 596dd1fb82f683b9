package org.twofold.demo.ui

import androidx.compose.foundation.layout.padding
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Favorite
import androidx.compose.material3.Button
import androidx.compose.material3.ButtonDefaults
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.Icon
import androidx.compose.material3.NavigationBar
import androidx.compose.material3.NavigationBarItem
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.material3.TopAppBar
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import androidx.navigation.NavHostController
import androidx.navigation.compose.NavHost
import androidx.navigation.compose.composable
import androidx.navigation.compose.currentBackStackEntryAsState
import androidx.navigation.compose.rememberNavController
import org.twofold.demo.R
import org.twofold.demo.ui.screens.CheckInScreen
import org.twofold.demo.ui.screens.ContactsScreen
import org.twofold.demo.ui.screens.CrisisScreen
import org.twofold.demo.ui.screens.DevicesScreen
import org.twofold.demo.ui.screens.MoreScreen
import org.twofold.demo.ui.screens.PairingScreen
import org.twofold.demo.ui.screens.PlanScreen
import org.twofold.demo.ui.screens.ScheduleScreen
import org.twofold.demo.ui.screens.MedicationsScreen
import org.twofold.demo.ui.screens.SettingsScreen
import org.twofold.demo.ui.screens.SharedWithMeScreen
import org.twofold.demo.ui.screens.SharingScreen
import org.twofold.demo.ui.screens.SyncScreen
import org.twofold.demo.ui.screens.TodayScreen
import org.twofold.demo.ui.theme.CrisisRed

/** The app's frame: a top bar with the crisis button on every screen, the bottom bar, the screens. */
@OptIn(ExperimentalMaterial3Api::class)
@Composable
fun TwofoldApp() {
    val nav = rememberNavController()
    val current by nav.currentBackStackEntryAsState()
    val route = current?.destination?.route
    Foreground()
    Scaffold(
        topBar = {
            TopAppBar(
                title = { Text(stringResource(Destination.entries.firstOrNull { it.route == route }?.title ?: R.string.crisis_title)) },
                actions = { if (route != Destination.CRISIS) CrisisButton { nav.navigate(Destination.CRISIS) } },
            )
        },
        bottomBar = { BottomBar(nav, route) },
    ) { padding ->
        NavHost(nav, startDestination = Destination.TODAY.route, modifier = Modifier.padding(padding)) {
            composable(Destination.TODAY.route) { TodayScreen(onCheckIn = { nav.navigate(Destination.CHECK_IN.route) }) }
            composable(Destination.CHECK_IN.route) { CheckInScreen(onCrisis = { nav.navigate(Destination.CRISIS) }) }
            composable(Destination.PLAN.route) { PlanScreen() }
            composable(Destination.SCHEDULE.route) { ScheduleScreen() }
            composable(Destination.MORE.route) { MoreScreen(onOpen = { nav.navigate(it.route) }) }
            composable(Destination.CONTACTS.route) { ContactsScreen() }
            composable(Destination.PAIRING.route) { PairingScreen() }
            composable(Destination.DEVICES.route) { DevicesScreen() }
            composable(Destination.SHARING.route) { SharingScreen() }
            composable(Destination.SHARED_WITH_ME.route) { SharedWithMeScreen() }
            composable(Destination.SYNC.route) { SyncScreen() }
            composable(Destination.SETTINGS.route) { SettingsScreen() }
            composable(Destination.MEDICATIONS.route) { MedicationsScreen() }
            composable(Destination.CRISIS) { CrisisScreen() }
        }
    }
}

/** One tap to the crisis screen, from anywhere. Large, labelled, the same place on every screen. */
@Composable
private fun CrisisButton(onClick: () -> Unit) {
    val label = stringResource(R.string.crisis_button)
    Button(
        onClick = onClick,
        colors = ButtonDefaults.buttonColors(containerColor = CrisisRed),
        modifier = Modifier.padding(end = 8.dp).semantics { contentDescription = label },
    ) {
        Icon(Icons.Filled.Favorite, contentDescription = null)
        Text(label, Modifier.padding(start = 4.dp))
    }
}

@Composable
private fun BottomBar(nav: NavHostController, route: String?) {
    NavigationBar {
        for (d in Destination.bottomBar) {
            val label = stringResource(d.title)
            NavigationBarItem(
                selected = route == d.route,
                onClick = {
                    nav.navigate(d.route) {
                        popUpTo(Destination.TODAY.route) { saveState = true }
                        launchSingleTop = true
                        restoreState = true
                    }
                },
                icon = { Icon(d.icon, contentDescription = label) },
                label = { Text(label) },
            )
        }
    }
}
