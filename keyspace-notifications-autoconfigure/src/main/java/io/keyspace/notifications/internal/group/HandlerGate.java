package io.keyspace.notifications.internal.group;

/**
 * Lets a closing consumer wait for the handler calls under way and start no new one: each
 * call passes {@link #enter()} first, and {@link #close} waits until the running ones have
 * {@link #exit() left}. Its monitor is held for memory only (waiting releases it).
 */
final class HandlerGate {

	private int running;

	private boolean closed;

	/** @return whether the call may start: false once the gate is closed */
	synchronized boolean enter() {
		if (this.closed) {
			return false;
		}
		this.running++;
		return true;
	}

	synchronized void exit() {
		if (--this.running == 0) {
			notifyAll();
		}
	}

	/**
	 * Closes the gate and waits up to {@code timeoutMillis} for the calls under way.
	 * @return whether none is running anymore
	 */
	synchronized boolean close(long timeoutMillis) {
		this.closed = true;
		long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
		try {
			while (this.running > 0) {
				long left = (deadline - System.nanoTime()) / 1_000_000;
				if (left <= 0) {
					return false;
				}
				wait(left);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return this.running == 0;
	}

}
