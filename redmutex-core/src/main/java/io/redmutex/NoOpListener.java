package io.redmutex;

enum NoOpListener implements LockListener {
  INSTANCE
}
