package io.keyspace.notifications.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationHandler;

/**
 * A handler for tests: subscribe it, change Redis, then wait for the notification you expect.
 *
 * <pre>{@code
 * NotificationRecorder recorder = new NotificationRecorder();
 * notifications.subscribe(recorder, new KeyspaceChannel("product:*"));
 * redis.set("product:1", "{}");
 * recorder.awaitNotification("product:1", "set", Duration.ofSeconds(5));
 * }</pre>
 * A wait that times out fails with an {@link AssertionError} that lists what did arrive, so a
 * wrong key or event is visible in the test report. Thread-safe.
 */
public final class NotificationRecorder implements KeyNotificationHandler {

	private static final int SHOWN_IN_FAILURES = 20;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition arrived = this.lock.newCondition();

	private final List<KeyNotification> received = new ArrayList<>(); // guarded by lock

	@Override
	public void onNotification(KeyNotification notification) {
		this.lock.lock();
		try {
			this.received.add(notification);
			this.arrived.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Everything recorded so far, in arrival order. */
	public List<KeyNotification> received() {
		this.lock.lock();
		try {
			return List.copyOf(this.received);
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Forgets what was recorded, e.g. between two steps of a test. */
	public void clear() {
		this.lock.lock();
		try {
			this.received.clear();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Waits for a notification of {@code event} on {@code key}, received before or during the wait.
	 * @return the first such notification
	 * @throws AssertionError if none arrives within {@code timeout}
	 */
	public KeyNotification awaitNotification(String key, String event, Duration timeout) {
		return awaitNotification((n) -> n.key().equals(key) && n.event().equals(event), timeout,
				"event '" + event + "' on key '" + key + "'");
	}

	/**
	 * Waits for the first notification that matches.
	 * @param description what is awaited, for the failure message
	 * @throws AssertionError if none arrives within {@code timeout}
	 */
	public KeyNotification awaitNotification(Predicate<KeyNotification> expected, Duration timeout,
			String description) {
		long remaining = timeout.toNanos();
		this.lock.lock();
		try {
			int checked = 0;
			while (true) {
				for (; checked < this.received.size(); checked++) {
					if (expected.test(this.received.get(checked))) {
						return this.received.get(checked);
					}
				}
				if (remaining <= 0) {
					throw new AssertionError("No keyspace notification for " + description + " within " + timeout
							+ "; received " + describe(this.received));
				}
				remaining = this.arrived.awaitNanos(remaining);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted while waiting for " + description, ex);
		}
		finally {
			this.lock.unlock();
		}
	}

	private static String describe(List<KeyNotification> received) {
		if (received.isEmpty()) {
			return "nothing (is notify-keyspace-events set on the server, and the channel right?)";
		}
		List<String> shown = received.stream()
			.limit(SHOWN_IN_FAILURES)
			.map((n) -> n.event() + " " + n.key())
			.toList();
		return received.size() + ": " + shown + ((received.size() > SHOWN_IN_FAILURES) ? " ..." : "");
	}

	@Override
	public String toString() {
		return "NotificationRecorder";
	}

}
