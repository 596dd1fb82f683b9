package org.twofold.demo.ui.screens

import androidx.compose.foundation.clickable
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Icon
import androidx.compose.material3.ListItem
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import org.twofold.demo.ui.Destination

/** The screens that are not on the bottom bar. */
@Composable
fun MoreScreen(onOpen: (Destination) -> Unit) {
    LazyColumn {
        items(Destination.more) { d ->
            val title = stringResource(d.title)
            ListItem(
                modifier = Modifier.clickable(onClickLabel = title) { onOpen(d) },
                leadingContent = { Icon(d.icon, contentDescription = null) },
                headlineContent = { Text(title) },
            )
        }
    }
}
