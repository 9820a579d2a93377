package io.keyspace.notifications.internal.resync;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import io.keyspace.notifications.DispatchSettings;
import io.keyspace.notifications.GapCause;
import io.keyspace.notifications.HandlerObserver;
import io.keyspace.notifications.LogCapture;
import ch.qos.logback.classic.Level;
import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.NotificationGap;
import io.keyspace.notifications.NotificationOptions;
import io.keyspace.notifications.OverflowPolicy;
import io.keyspace.notifications.RedisNode;
import io.keyspace.notifications.ResyncListener;
import io.keyspace.notifications.ResyncPass;
import io.keyspace.notifications.ResyncSettings;
import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.internal.dispatch.Dispatcher;
import io.keyspace.notifications.internal.dispatch.NotificationCounters;
import io.keyspace.notifications.internal.gap.GapTracker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The pass logic, with a scanner that hands out fixed pages; Redis itself is in ResyncIT. */
class ResyncerTest {

	private static final RedisNode NODE = new RedisNode("127.0.0.1", 6379);

	private final NotificationCounters counters = new NotificationCounters();

	private final Dispatcher dispatcher = new Dispatcher(
			new DispatchSettings(2, 100, OverflowPolicy.BLOCK, Duration.ofSeconds(1), Duration.ofSeconds(5)),
			NotificationOptions.defaultHandlerThreadFactory(), NotificationOptions.LOGGING_ERROR_HANDLER, this.counters,
			new GapTracker(Clock.systemUTC()), HandlerObserver.NONE);

	private final List<String> calls = new CopyOnWriteArrayList<>();

	private final List<String> phases = new CopyOnWriteArrayList<>();

	private final KeyNotificationHandler handler = (n) -> this.calls.add(n.key() + " " + n.event());

	private final ResyncListener listener = new ResyncListener() {

		@Override
		public void started(ResyncPass pass) {
			ResyncerTest.this.phases.add("started");
		}

		@Override
		public void completed(ResyncPass pass) {
			ResyncerTest.this.phases.add("completed " + pass.keys());
		}

	};

	private Resyncer resyncer;

	private Duration progressInterval = Resyncer.PROGRESS_INTERVAL;

	@AfterEach
	void close() {
		this.resyncer.close();
		this.dispatcher.close();
	}

	@Test
	void aNewGapWhileAPassRunsAbandonsItAndBeginsAgain() throws Exception {
		CountDownLatch onSecondPage = new CountDownLatch(1);
		CountDownLatch goOn = new CountDownLatch(1);
		AtomicInteger scans = new AtomicInteger();
		this.resyncer = resyncer((page) -> {
			if (scans.incrementAndGet() == 1) {
				page.test(keys("k1", "k2"));
				onSecondPage.countDown();
				awaitLatch(goOn);
				page.test(keys("k3"));
			}
			else {
				page.test(keys("k1", "k2", "k3"));
			}
		});
		subscribe();
		assertThat(onSecondPage.await(5, TimeUnit.SECONDS)).isTrue();
		this.resyncer.onGap(new NotificationGap(NODE.toString(), GapCause.DISCONNECTED, Instant.now(), Instant.now(),
				Set.of(), 0));
		goOn.countDown();

		await().atMost(Duration.ofSeconds(5)).until(() -> this.phases.contains("completed 3"));
		assertThat(this.phases).containsExactly("started", "started", "completed 3");
		assertThat(this.counters.resync().restarted()).isEqualTo(1);
		assertThat(this.counters.resync().completed()).isEqualTo(1);
		// The first pass's k3 was never queued; what it queued before the gap may have been handled.
		assertThat(this.calls.stream().filter("k3 resync"::equals)).hasSize(1);
		assertThat(this.counters.inFlight()).isZero();
	}

	@Test
	void aKeyTheHandlerGotLiveDuringThePassGetsNoResyncCall() {
		AtomicInteger scans = new AtomicInteger();
		KeyNotificationHandler[] registered = new KeyNotificationHandler[1];
		this.resyncer = resyncer((page) -> {
			scans.incrementAndGet();
			// A live del of k1 handled while the scan runs: newer than the scan, whatever the order.
			registered[0].onNotification(notification("k1", "del"));
			page.test(keys("k1", "k2"));
		});
		registered[0] = subscribe();

		await().atMost(Duration.ofSeconds(5)).until(() -> this.phases.contains("completed 1"));
		assertThat(this.calls).containsExactly("k1 del", "k2 resync");
	}

	@Test
	void aPassThatCannotScanIsRetriedAndCompletes() {
		AtomicInteger scans = new AtomicInteger();
		this.resyncer = resyncer((page) -> {
			if (scans.incrementAndGet() == 1) {
				throw new IllegalStateException("Connection refused");
			}
			page.test(keys("k1"));
		});
		subscribe();

		await().atMost(Duration.ofSeconds(5)).until(() -> this.phases.contains("completed 1"));
		assertThat(this.counters.resync().failed()).isEqualTo(1);
		assertThat(this.phases).containsExactly("started", "started", "completed 1");
		assertThat(this.calls).containsExactly("k1 resync");
	}

	@Test
	void aLongPassLogsItsProgressAndItsEndAtInfo() {
		this.progressInterval = Duration.ZERO;
		try (LogCapture logs = new LogCapture(Resyncer.class, Level.INFO)) {
			this.resyncer = resyncer((page) -> {
				page.test(keys("k1", "k2"));
				page.test(keys("k3"));
			});
			subscribe();
			await().atMost(Duration.ofSeconds(5)).until(() -> this.phases.contains("completed 3"));
			assertThat(logs.messages(Level.INFO)).containsSubsequence(
					"Resync of " + this.handler + " on 127.0.0.1:6379: 2 key(s) queued so far",
					"Resync of " + this.handler + " on 127.0.0.1:6379: 3 key(s) queued so far")
				.anyMatch((message) -> message.startsWith("Resync of " + this.handler + " on 127.0.0.1:6379 completed: 3 key(s) in "));
		}
	}

	private KeyNotificationHandler subscribe() {
		KeyNotificationHandler registered = this.resyncer.register(this.handler, this.listener,
				List.of(new KeyspaceChannel("k*")));
		this.resyncer.resyncAll(this.handler);
		return registered;
	}

	private Resyncer resyncer(Scan scan) {
		KeyScanner scanner = (node) -> new KeyScanner.NodeKeys() {

			@Override
			public void scan(int db, byte[] glob, int count, Predicate<List<byte[]>> page) {
				scan.run(page);
			}

			@Override
			public boolean exists(int db, byte[] key) {
				return false;
			}

			@Override
			public void close() {
			}

		};
		Resyncer.Targets targets = new Resyncer.Targets() {

			@Override
			public List<ResyncTarget> all() {
				return List.of(ResyncTarget.wholeNode(NODE));
			}

			@Override
			public List<ResyncTarget> afterGapOn(String node) {
				return all();
			}

		};
		return new Resyncer(new ResyncSettings(10, 0), scanner, this.dispatcher,
				(channel, message, prefix, pattern, node) -> KeyNotification.parse(channel, message, prefix, pattern, node)
					.orElse(null),
				new byte[0], targets, this.counters.resync(), this.progressInterval);
	}

	private static List<byte[]> keys(String... keys) {
		List<byte[]> bytes = new ArrayList<>();
		for (String key : keys) {
			bytes.add(key.getBytes(StandardCharsets.UTF_8));
		}
		return bytes;
	}

	private static KeyNotification notification(String key, String event) {
		return KeyNotification.parse(("__keyspace@0__:" + key).getBytes(StandardCharsets.UTF_8),
				event.getBytes(StandardCharsets.UTF_8), null).orElseThrow();
	}

	private static void awaitLatch(CountDownLatch latch) {
		try {
			latch.await(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@FunctionalInterface
	private interface Scan {

		void run(Predicate<List<byte[]>> page);

	}

}
