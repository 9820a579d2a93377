package io.keyspace.notifications.listener;

import java.util.concurrent.CountDownLatch;

/**
 * The one non-daemon thread of a running listener container: the JVM does not exit while it
 * waits. When the container stops, it runs a last task (draining the handlers on shutdown)
 * and ends.
 */
final class KeepAliveThread {

	private final CountDownLatch ended = new CountDownLatch(1);

	private final Thread thread;

	private volatile Runnable lastTask;

	KeepAliveThread() {
		this.thread = new Thread(this::waitUntilEnded, "keyspace-notifications-keep-alive");
		this.thread.setDaemon(false);
	}

	void start() {
		this.thread.start();
	}

	/** Lets the thread end, after it has run {@code lastTask}. */
	void endWith(Runnable lastTask) {
		this.lastTask = lastTask;
		this.ended.countDown();
	}

	private void waitUntilEnded() {
		boolean done = false;
		while (!done) {
			try {
				this.ended.await();
				done = true;
			}
			catch (InterruptedException ex) {
				// Ending early would let the JVM exit under a running container, and would skip
				// the last task the container is waiting for: only endWith ends this thread.
			}
		}
		this.lastTask.run();
	}

}
