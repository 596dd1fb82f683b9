package org.twofold.demo.ui

import android.os.Build
import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import androidx.activity.enableEdgeToEdge
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.runtime.getValue
import androidx.compose.runtime.key
import androidx.compose.ui.Modifier
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import org.twofold.demo.graph
import org.twofold.demo.model.Gate
import org.twofold.demo.ui.theme.TwofoldTheme

/**
 * The one activity: Compose all the way down. The app lock's gate decides what shows: the
 * lock screen (nothing of the person's data) or the app ([TwofoldApp]), built anew for each
 * unlocked session so no screen of an earlier one survives. Layout direction is never set
 * here: Android lays an Arabic locale out right to left by itself (`supportsRtl` in the
 * manifest), the lock screen included.
 */
class MainActivity : ComponentActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        enableEdgeToEdge()
        // The recents screen would otherwise keep a picture of the last screen, visible
        // before any unlock.
        if (Build.VERSION.SDK_INT >= 33) setRecentsScreenshotEnabled(false)
        val gate = graph.lockGate
        setContent {
            TwofoldTheme {
                val state by gate.state.collectAsStateWithLifecycle()
                when (val s = state) {
                    Gate.Checking -> Box(Modifier.fillMaxSize())
                    is Gate.Locked -> LockScreen(s, gate::unlock)
                    is Gate.Failed -> LockFailedScreen()
                    Gate.Erasing -> ErasingScreen()
                    is Gate.Open -> {
                        key(s.session) { TwofoldApp() }
                        s.problem?.let { ErasePausedDialog(it, gate::dismissProblem) }
                    }
                }
            }
        }
    }

    override fun onStart() {
        super.onStart()
        // Back after a minute or more: the lock screen again (with a lock). The screens'
        // ViewModels (and their store leases) are dropped before the store closes.
        graph.lockGate.onForeground(beforeClose = { viewModelStore.clear() })
    }

    override fun onStop() {
        super.onStop()
        if (!isChangingConfigurations) graph.lockGate.onBackground()
    }
}
