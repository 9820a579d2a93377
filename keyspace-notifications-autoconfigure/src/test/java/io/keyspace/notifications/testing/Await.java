package io.keyspace.notifications.testing;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Bounded polling without a test-library dependency, so the test-jar works for consumers
 * that do not have Awaitility. The condition reports what is still wrong, which ends up in
 * the timeout message instead of a bare "condition was false".
 */
final class Await {

	private static final long POLL_MILLIS = 25;

	private Await() {
	}

	/**
	 * Polls {@code problem} until it returns {@code null}. Exceptions count as "not yet"
	 * (a node that is restarting refuses connections) and are reported if time runs out.
	 */
	static void until(Duration timeout, String what, Supplier<String> problem) {
		long deadline = System.nanoTime() + timeout.toNanos();
		String last;
		while (true) {
			try {
				last = problem.get();
			}
			catch (RuntimeException ex) {
				last = ex.toString();
			}
			if (last == null) {
				return;
			}
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("Timed out after " + timeout.toMillis() + " ms waiting for "
						+ what + "; last observed: " + last);
			}
			sleep(POLL_MILLIS);
		}
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting", ex);
		}
	}

}
