// The Android app: Compose screens and the Android glue (Activity, androidx ViewModels,
// WorkManager, Keystore, notifications). Its logic is in :app-model; the Rust core arrives as
// jniLibs/ (build-core.sh) and the generated bindings inside :twofold-kit.
plugins {
    alias(libs.plugins.android.application)
    alias(libs.plugins.kotlin.android)
    alias(libs.plugins.kotlin.compose)
}

android {
    namespace = "org.twofold.demo"
    compileSdk = 35

    defaultConfig {
        applicationId = "org.twofold.demo"
        minSdk = 26
        targetSdk = 35
        versionCode = 1
        versionName = "0.1.0"
        // Only the ABIs build-core.sh builds: cheap old phones (armeabi-v7a), current phones
        // (arm64-v8a) and the emulator (x86_64).
        ndk {
            abiFilters += listOf("arm64-v8a", "armeabi-v7a", "x86_64")
        }
    }

    buildTypes {
        release {
            isMinifyEnabled = true
            proguardFiles(getDefaultProguardFile("proguard-android-optimize.txt"), "proguard-rules.pro")
        }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    buildFeatures {
        compose = true
    }
    packaging {
        // build-core.sh strips the libraries itself; keep AGP from trying again without symbols.
        jniLibs.keepDebugSymbols += "**/libtwofold_ffi.so"
    }
}

kotlin {
    compilerOptions {
        jvmTarget.set(org.jetbrains.kotlin.gradle.dsl.JvmTarget.JVM_17)
    }
}

dependencies {
    implementation(project(":app-model"))
    // JNA as an Android archive: its classes plus libjnidispatch.so for every ABI.
    implementation(libs.jna) {
        artifact { type = "aar" }
    }
    implementation(libs.kotlinx.coroutines.android)

    implementation(libs.androidx.core.ktx)
    implementation(libs.androidx.activity.compose)
    implementation(libs.androidx.lifecycle.viewmodel.compose)
    implementation(libs.androidx.lifecycle.runtime.compose)
    implementation(libs.androidx.navigation.compose)
    implementation(libs.androidx.work.runtime.ktx)

    implementation(platform(libs.androidx.compose.bom))
    implementation(libs.androidx.compose.ui)
    implementation(libs.androidx.compose.material3)
    implementation(libs.androidx.compose.material.icons.extended)
    implementation(libs.androidx.compose.ui.tooling.preview)
    debugImplementation(libs.androidx.compose.ui.tooling)

    implementation(libs.zxing.core)
    implementation(libs.zxing.android.embedded)
}
