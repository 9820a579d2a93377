package io.keyspace.notifications;

import java.time.Duration;


/** Settings the integration tests share: quick reconnects, and one handler thread for order. */
final class IntegrationTestSettings {

	/** Reconnects within half a second and checks idle connections every second. */
	static final ConnectionSettings FAST_RECONNECT = ConnectionSettings.builder()
		.backoff(new Backoff(Duration.ofMillis(50), Duration.ofMillis(500)))
		.healthCheckInterval(Duration.ofSeconds(1))
		.build();

	/** One handler thread: handlers see notifications in the order the readers queued them. */
	static final NotificationOptions IN_ORDER = NotificationOptions.builder()
		.dispatch(new DispatchSettings(1, 100_000, OverflowPolicy.BLOCK, Duration.ofSeconds(5), Duration.ofSeconds(5)))
		.build();

	private IntegrationTestSettings() {
	}

}
