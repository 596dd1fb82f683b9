// Twofold's Android demo: the app, the Kotlin layer over the generated bindings, and the
// app's logic as plain Kotlin (so that it runs on a JVM without Android, see test-jvm.sh).
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "twofold-android-demo"

include(":app")          // Android: Compose screens, Activity, WorkManager, Keystore, notifications
include(":app-model")    // plain Kotlin: screen state holders (no android.* imports)
include(":twofold-kit")  // plain Kotlin: generated bindings + coroutines/Flow layer
