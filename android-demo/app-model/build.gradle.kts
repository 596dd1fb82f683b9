// app-model: the app's logic — one state holder per screen, the key vault, reminder planning,
// background sync — in plain Kotlin over twofold-kit. No android.* or androidx.* imports, so
// it compiles and runs on a desktop JVM (test-jvm.sh); the app wraps each holder in a thin
// androidx ViewModel.
plugins {
    alias(libs.plugins.kotlin.jvm)
}

// Bytecode for Java 17 whatever JDK runs Gradle (no toolchain download needed), as the app's.
java {
    sourceCompatibility = JavaVersion.VERSION_17
    targetCompatibility = JavaVersion.VERSION_17
}

kotlin {
    compilerOptions {
        jvmTarget.set(org.jetbrains.kotlin.gradle.dsl.JvmTarget.JVM_17)
    }
}

dependencies {
    api(project(":twofold-kit"))
    // The generated classes' signatures name JNA types; the app supplies JNA at run time.
    compileOnly(libs.jna)
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
