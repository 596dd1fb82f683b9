package org.twofold.demo.ui.theme

import androidx.compose.foundation.isSystemInDarkTheme
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.darkColorScheme
import androidx.compose.material3.lightColorScheme
import androidx.compose.runtime.Composable
import androidx.compose.ui.graphics.Color

private val Green = Color(0xFF2E5E4E)
private val Gold = Color(0xFFF2C14E)
/** The crisis button's colour: visible on every screen, in both themes. */
val CrisisRed = Color(0xFFB3261E)

@Composable
fun TwofoldTheme(content: @Composable () -> Unit) {
    val colors = if (isSystemInDarkTheme()) {
        darkColorScheme(primary = Color(0xFF8FCFB6), secondary = Gold)
    } else {
        lightColorScheme(primary = Green, secondary = Gold)
    }
    MaterialTheme(colorScheme = colors, content = content)
}
