package io.redmutex.testkit;

final class Placeholder {}
