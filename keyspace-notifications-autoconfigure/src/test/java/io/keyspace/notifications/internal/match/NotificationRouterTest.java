package io.keyspace.notifications.internal.match;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;

import io.keyspace.notifications.DispatchSettings;
import io.keyspace.notifications.DropReason;
import io.keyspace.notifications.FilteredHandler;
import io.keyspace.notifications.HandlerObserver;
import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationFilter;
import io.keyspace.notifications.NotificationMetrics;
import io.keyspace.notifications.NotificationOptions;
import io.keyspace.notifications.OverflowPolicy;
import io.keyspace.notifications.channel.KeyeventChannel;
import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.channel.SubkeyeventChannel;
import io.keyspace.notifications.internal.dispatch.Dispatcher;
import io.keyspace.notifications.internal.dispatch.NotificationCounters;
import io.keyspace.notifications.internal.gap.GapTracker;
import io.keyspace.notifications.internal.reader.MessageListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class NotificationRouterTest {

	private static final byte[] PREFIX = bytes("app:");

	private final NotificationCounters counters = new NotificationCounters();

	private final SubscriptionRegistry registry = new SubscriptionRegistry();

	private final BlockingQueue<KeyNotification> pullQueue = new ArrayBlockingQueue<>(2);

	private final Dispatcher dispatcher = new Dispatcher(
			new DispatchSettings(1, 100, OverflowPolicy.BLOCK, Duration.ofSeconds(1), Duration.ofSeconds(5)),
			NotificationOptions.defaultHandlerThreadFactory(), NotificationOptions.LOGGING_ERROR_HANDLER, this.counters,
			new GapTracker(Clock.systemUTC()), HandlerObserver.NONE);

	private final NotificationRouter router = new NotificationRouter(this.registry, PREFIX, this.dispatcher,
			this.pullQueue, this.counters,
			(channel, message, prefix, pattern, node) -> KeyNotification.parse(channel, message, prefix, pattern, node)
				.orElse(null));

	private final MessageListener reader = this.router.newReaderListener("127.0.0.1:6379");

	private final List<String> handled = new CopyOnWriteArrayList<>();

	@AfterEach
	void close() {
		this.dispatcher.close();
	}

	@Test
	void onlyWantedNotificationsAreQueuedAndTheRestAreCountedAsFiltered() {
		KeyspaceChannel channel = new KeyspaceChannel("app:k:*");
		this.registry.add(channel, new FilteredHandler(KeyNotificationFilter.events("expired"), this::record));
		for (int i = 0; i < 10; i++) {
			route(channel.toString(), "app:k:" + i, "set");
		}
		route(channel.toString(), "app:k:1", "expired");
		assertThat(this.counters.filtered()).isEqualTo(10); // the sets never entered the batch
		assertBalanced(10); // the expired one counts once the batch is handed over
		this.reader.endOfBurst();
		assertThat(this.counters.received()).isEqualTo(11);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.handled.size() == 1);
		assertThat(this.handled).containsExactly("k:1 expired");
		assertThat(this.counters.filtered()).isEqualTo(10);
		assertThat(this.counters.delivered()).isEqualTo(1);
		assertBalanced(11);
	}

	@Test
	void keysOutsideThePrefixAreFilteredAndGarbageIsMalformed() {
		KeyeventChannel channel = new KeyeventChannel("del");
		SubkeyeventChannel subkeys = new SubkeyeventChannel("hset");
		this.registry.add(channel, this::record);
		this.registry.add(subkeys, this::record);
		this.reader.onMessage("node", null, bytes(channel.toString()), bytes("other:1"));
		this.reader.onMessage("node", null, bytes(subkeys.toString()), bytes("no length prefix"));
		this.reader.onMessage("node", null, bytes("__keyevent@0__:unsubscribed"), bytes("app:1"));
		assertThat(this.counters.filtered()).isEqualTo(1);
		assertThat(this.counters.malformed()).isEqualTo(1);
		assertBalanced(2); // a message for a channel nobody wants any more is not received
	}

	@Test
	void aFullPullQueueDropsTheNewNotification() {
		KeyspaceChannel channel = new KeyspaceChannel("app:p");
		this.registry.add(channel, null);
		for (String event : new String[] { "e1", "e2", "e3" }) {
			this.reader.onMessage("node", null, bytes(channel.toString()), bytes(event));
		}
		assertThat(this.pullQueue).extracting(KeyNotification::event).containsExactly("e1", "e2");
		assertThat(this.counters.dropped(DropReason.PULL_OVERFLOW)).isEqualTo(1);
		assertThat(this.counters.delivered()).isEqualTo(2);
		assertBalanced(3);
	}

	@Test
	void aChannelWithHandlersAndPullModeCountsOnceForEachWay() {
		KeyspaceChannel channel = new KeyspaceChannel("app:both");
		this.registry.add(channel, this::record);
		this.registry.add(channel, null);
		this.reader.onMessage("node", null, bytes(channel.toString()), bytes("set"));
		this.reader.endOfBurst();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.counters.delivered() == 2);
		assertThat(this.pullQueue).hasSize(1);
		assertThat(this.handled).containsExactly("both set");
		assertBalanced(2);
	}

	private void route(String pattern, String key, String event) {
		this.reader.onMessage("node", bytes(pattern), bytes("__keyspace@0__:" + key), bytes(event));
	}

	private void assertBalanced(long received) {
		NotificationMetrics metrics = this.counters;
		assertThat(metrics.received()).isEqualTo(received);
		assertThat(metrics.delivered() + metrics.filtered() + metrics.malformed() + metrics.dropped()
				+ metrics.inFlight()).isEqualTo(received);
	}

	private void record(KeyNotification notification) {
		this.handled.add(notification.key() + " " + notification.event());
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
