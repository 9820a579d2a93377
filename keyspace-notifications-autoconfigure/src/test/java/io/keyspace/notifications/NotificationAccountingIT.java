package io.keyspace.notifications;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every message read from a real server ends delivered, filtered, malformed or dropped, also
 * when handlers ignore the shutdown; and no handler call starts after {@code close()} returned.
 */
class NotificationAccountingIT {

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.withConfig("notify-keyspace-events", "KEA");

	private static final Duration SHUTDOWN_TIMEOUT = Duration.ofMillis(300);

	// close() may take the shutdown timeout, a second for interrupted threads, and closing the connection.
	private static final Duration CLOSE_BOUND = SHUTDOWN_TIMEOUT.plusSeconds(3);

	private final CountDownLatch endOfTest = new CountDownLatch(1);

	private final AtomicInteger calls = new AtomicInteger();

	private StandaloneKeyspaceNotifications notifications;

	private Jedis jedis;

	@BeforeEach
	void open() {
		this.notifications = new StandaloneKeyspaceNotifications(new RedisNode(redis.server().host(), redis.server().port()), ConnectionSettings.defaults(),
				NotificationOptions.builder()
					.dispatch(new DispatchSettings(2, 100_000, OverflowPolicy.BLOCK, Duration.ofSeconds(5),
							SHUTDOWN_TIMEOUT))
					.build());
		this.jedis = redis.server().jedis();
		this.jedis.flushAll();
	}

	@AfterEach
	void close() {
		this.endOfTest.countDown();
		this.notifications.close();
		this.jedis.close();
	}

	@Test
	void aHandlerThatSwallowsInterruptsLosesNothingUncountedAndStopsAtClose() {
		CountDownLatch gate = new CountDownLatch(1);
		this.notifications.subscribe((n) -> {
			this.calls.incrementAndGet();
			awaitIgnoringInterrupts(gate);
			sleepIgnoringInterrupts(2);
		}, new KeyspaceChannel("acct:*"));
		this.notifications.subscribe(KeyNotificationFilter.events("expired"), (n) -> this.calls.incrementAndGet(),
				new KeyspaceChannel("other:*"));
		write("acct:", 2_000);
		write("other:", 500);
		NotificationMetrics metrics = this.notifications.metrics();
		await().atMost(Duration.ofSeconds(30)).until(() -> metrics.received() == 2_500);
		// The handlers are held at the gate, so the counters stand still: the sum must be exact.
		assertBalanced(metrics);
		assertThat(metrics.filtered()).isEqualTo(500);
		assertThat(metrics.inFlight()).isEqualTo(2_000);
		assertThat(metrics.queued()).isPositive();

		gate.countDown();
		await().atMost(Duration.ofSeconds(10)).until(() -> metrics.delivered() >= 100);
		closeWithinBound();

		assertBalanced(metrics);
		assertThat(metrics.inFlight()).isZero();
		assertThat(metrics.queued()).isZero();
		assertThat(metrics.dropped(DropReason.SHUTDOWN)).isPositive();
		assertThat(metrics.delivered() + metrics.dropped(DropReason.SHUTDOWN)).isEqualTo(2_000);
		assertNoCallAfterClose();
	}

	@Test
	void aHandlerThatNeverReturnsDoesNotHoldCloseAndEverythingItHeldIsCountedAsDropped() {
		this.notifications.subscribe((n) -> {
			this.calls.incrementAndGet();
			awaitIgnoringInterrupts(this.endOfTest);
		}, new KeyspaceChannel("stuck:*"));
		write("stuck:", 1_000);
		NotificationMetrics metrics = this.notifications.metrics();
		await().atMost(Duration.ofSeconds(30)).until(() -> metrics.received() == 1_000 && this.calls.get() == 2);
		assertBalanced(metrics);
		assertThat(metrics.inFlight()).isEqualTo(1_000);

		closeWithinBound();

		assertBalanced(metrics);
		assertThat(metrics.inFlight()).isZero();
		assertThat(metrics.delivered()).isZero();
		assertThat(metrics.dropped(DropReason.SHUTDOWN)).isEqualTo(1_000);
		assertNoCallAfterClose();
	}

	private void write(String keyPrefix, int count) {
		try (Pipeline pipeline = this.jedis.pipelined()) {
			for (int i = 0; i < count; i++) {
				pipeline.set(keyPrefix + i, "v");
			}
		}
	}

	private void closeWithinBound() {
		long start = System.nanoTime();
		this.notifications.close();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(CLOSE_BOUND);
	}

	private void assertNoCallAfterClose() {
		int callsAtClose = this.calls.get();
		await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> this.calls.get() == callsAtClose);
	}

	private static void assertBalanced(NotificationMetrics metrics) {
		assertThat(metrics.delivered() + metrics.filtered() + metrics.malformed() + metrics.dropped()
				+ metrics.inFlight()).as(metrics.toString()).isEqualTo(metrics.received());
	}

	/** A handler that does not give up when interrupted; returns when the latch opens (at the latest after the test). */
	private static void awaitIgnoringInterrupts(CountDownLatch latch) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (System.nanoTime() < deadline) {
			try {
				if (latch.await(1, TimeUnit.SECONDS)) {
					return;
				}
			}
			catch (InterruptedException ex) {
				// swallowed on purpose
			}
		}
	}

	private static void sleepIgnoringInterrupts(long millis) {
		long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
		while (System.nanoTime() < end) {
			try {
				Thread.sleep(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
			}
			catch (InterruptedException ex) {
				// swallowed on purpose: slow work that ignores the shutdown
			}
		}
	}

}
