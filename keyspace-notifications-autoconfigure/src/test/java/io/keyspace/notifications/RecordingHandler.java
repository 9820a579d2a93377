package io.keyspace.notifications;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.awaitility.core.ConditionFactory;

import static org.awaitility.Awaitility.await;

/** Collects the notifications it receives, for tests to await and inspect. */
public final class RecordingHandler implements KeyNotificationHandler {

	private final List<KeyNotification> received = new CopyOnWriteArrayList<>();

	@Override
	public void onNotification(KeyNotification notification) {
		this.received.add(notification);
	}

	public List<KeyNotification> received() {
		return List.copyOf(this.received);
	}

	public List<String> keys() {
		return this.received.stream().map(KeyNotification::key).toList();
	}

	public boolean has(String key, String event) {
		return this.received.stream().anyMatch((n) -> n.key().equals(key) && n.event().equals(event));
	}

	public RecordingHandler awaitCount(int count) {
		awaiting().until(() -> this.received.size() >= count);
		return this;
	}

	public RecordingHandler awaitNotification(String key, String event) {
		awaiting().until(() -> has(key, event));
		return this;
	}

	/** Checks at once (a notification that arrived already costs no wait), then every 20 ms. */
	private static ConditionFactory awaiting() {
		return await().atMost(Duration.ofSeconds(15)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20));
	}

	@Override
	public String toString() {
		return "RecordingHandler" + this.received.size();
	}

}
