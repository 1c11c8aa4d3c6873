package io.redmutex;

final class Placeholder {}
