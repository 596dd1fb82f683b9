// app-model: the app's logic — one state holder per screen, the key vault, reminder planning,
// background sync — in plain Kotlin over twofold-kit. No android.* or androidx.* imports, so
// it compiles and runs on a desktop JVM (test-jvm.sh); the app wraps each holder in a thin
// androidx ViewModel.
plugins {
    alias(libs.plugins.kotlin.jvm)
}

kotlin {
    jvmToolchain(17)
}

dependencies {
    api(project(":twofold-kit"))
    testImplementation(libs.jna)
    testImplementation(libs.junit)
    testImplementation(libs.kotlin.test.junit)
}

tasks.test {
    val bindings = System.getenv("TWOFOLD_BINDINGS")
        ?: rootProject.file("../build/bindings").absolutePath
    systemProperty("jna.library.path", "$bindings/lib")
    System.getenv("TWOFOLD_RELAY_URL")?.let { environment("TWOFOLD_RELAY_URL", it) }
}
