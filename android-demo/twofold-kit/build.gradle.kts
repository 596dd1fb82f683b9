// twofold-kit: the generated uniffi bindings (src/generated, made by build-core.sh) and the thin
// Kotlin layer over them (src/main). Plain Kotlin/JVM, so it is tested on a desktop JVM against
// the host build of the library (test-jvm.sh, or `./gradlew :twofold-kit:test` with
// TWOFOLD_BINDINGS set) and used unchanged by the Android app.
plugins {
    `java-library`
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

// The uniffi-generated Kotlin (build-core.sh writes it; gitignored) compiles with the layer.
kotlin.sourceSets.getByName("main").kotlin.srcDir("src/generated/kotlin")

dependencies {
    api(libs.kotlinx.coroutines.core)
    // The app brings JNA as an @aar (with its native dispatch library per ABI); a plain jar
    // here as well would put the same classes on the classpath twice.
    compileOnly(libs.jna)
    testImplementation(libs.jna)
    testImplementation(libs.junit)
    testImplementation(libs.kotlin.test.junit)
}

// The JVM tests load the host build of libtwofold_ffi (scripts/bindgen.sh puts it in
// build/bindings/lib) and need a running relay for the two-device test (TWOFOLD_RELAY_URL).
tasks.test {
    val bindings = System.getenv("TWOFOLD_BINDINGS")
        ?: rootProject.file("../build/bindings").absolutePath
    systemProperty("jna.library.path", "$bindings/lib")
    System.getenv("TWOFOLD_RELAY_URL")?.let { environment("TWOFOLD_RELAY_URL", it) }
}
