// A fresh Gradle (Kotlin DSL) project that uses redmutex: imports the BOM, takes a lock.
// The same project as ../maven-project. Needs Gradle 7.3+ (Java 17); see ../../README.md for why
// CI does not build it.
plugins {
    java
}

repositories {
    mavenLocal() // where a redmutex SNAPSHOT built from source is; drop it for a release
    mavenCentral()
}

java {
    toolchain {
        languageVersion.set(JavaLanguageVersion.of(17))
    }
}

dependencies {
    implementation(platform("io.redmutex:redmutex-bom:0.1.0-SNAPSHOT"))
    implementation("io.redmutex:redmutex-core")
    testImplementation("io.redmutex:redmutex-testkit")
    testImplementation("org.junit.jupiter:junit-jupiter:5.14.4")
    testRuntimeOnly("org.junit.platform:junit-platform-launcher")
}

tasks.test {
    useJUnitPlatform()
}
