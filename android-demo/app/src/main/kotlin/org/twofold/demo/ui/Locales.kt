package org.twofold.demo.ui

import android.os.LocaleList
import java.util.Locale

/** The person's languages in the order they set on the phone (the core picks the first it speaks). */
fun deviceLocales(): List<Locale> = LocaleList.getDefault().let { list -> (0 until list.size()).map { list[it] } }
