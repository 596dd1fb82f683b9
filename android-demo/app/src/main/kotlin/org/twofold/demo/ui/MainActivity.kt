package org.twofold.demo.ui

import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import androidx.activity.enableEdgeToEdge
import org.twofold.demo.ui.theme.TwofoldTheme

/** The one activity: Compose all the way down (see [TwofoldApp]). */
class MainActivity : ComponentActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        enableEdgeToEdge()
        setContent { TwofoldTheme { TwofoldApp() } }
    }
}
