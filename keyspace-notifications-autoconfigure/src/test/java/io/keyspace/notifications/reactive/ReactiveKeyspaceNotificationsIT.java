package io.keyspace.notifications.reactive;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import ch.qos.logback.classic.Level;
import io.keyspace.notifications.ConnectionSettings;
import io.keyspace.notifications.DropReason;
import io.keyspace.notifications.GapCause;
import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.LogCapture;
import io.keyspace.notifications.NotificationGap;
import io.keyspace.notifications.NotificationMetrics;
import io.keyspace.notifications.NotificationOptions;
import io.keyspace.notifications.RedisNode;
import io.keyspace.notifications.StandaloneKeyspaceNotifications;
import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.internal.match.NotificationRouter;
import io.keyspace.notifications.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.scheduler.Schedulers;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link ReactiveKeyspaceNotifications} against a real redis-server: demand is honoured, what a
 * slow subscriber cannot take is counted and reported, and cancelling gives the server
 * subscription back.
 */
class ReactiveKeyspaceNotificationsIT {

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.withConfig("notify-keyspace-events", "KEA");

	private StandaloneKeyspaceNotifications notifications;

	private Jedis jedis;

	@BeforeEach
	void open() {
		this.notifications = new StandaloneKeyspaceNotifications(
				new RedisNode(redis.server().host(), redis.server().port()), ConnectionSettings.defaults(),
				NotificationOptions.defaults());
		this.jedis = redis.server().jedis();
		this.jedis.flushAll();
	}

	@AfterEach
	void close() {
		this.notifications.close();
		this.jedis.close();
	}

	@Test
	void aSubscriberRequesting256AtATimeReceivesAll20000() {
		ReactiveKeyspaceNotifications reactive = new ReactiveKeyspaceNotifications(this.notifications);
		InBatches subscriber = new InBatches(256, Duration.ZERO);
		reactive.receive(new KeyspaceChannel("rx:*")).subscribe(subscriber);
		await().atMost(Duration.ofSeconds(10)).until(this.notifications::isSubscribed);

		write("rx:", 20_000);

		NotificationMetrics metrics = this.notifications.metrics();
		await().atMost(Duration.ofSeconds(30))
			.until(() -> subscriber.received.get() + metrics.dropped(DropReason.SUBSCRIBER_OVERFLOW) == 20_000);
		assertThat(metrics.dropped(DropReason.SUBSCRIBER_OVERFLOW)).as(metrics.toString()).isZero();
		assertThat(subscriber.received).hasValue(20_000);
		assertThat(subscriber.maxOutstanding).as("never more elements than requested").hasValueLessThanOrEqualTo(256);
		assertBalanced(metrics);
		subscriber.dispose();
	}

	@Test
	void whatASlowSubscriberCannotTakeIsCountedAsDroppedAndReportedAsItsOwnOverflowGap() {
		ReactiveKeyspaceNotifications reactive = new ReactiveKeyspaceNotifications(this.notifications, 100,
				Schedulers.boundedElastic());
		List<NotificationGap> gaps = new CopyOnWriteArrayList<>();
		Disposable gapSubscription = reactive.gaps().subscribe(gaps::add);
		List<NotificationGap> handlersGaps = new CopyOnWriteArrayList<>();
		this.notifications.addGapListener(handlersGaps::add);
		InBatches slow = new InBatches(1, Duration.ofMillis(1));
		reactive.receive(new KeyspaceChannel("slow:*")).subscribe(slow);
		await().atMost(Duration.ofSeconds(10)).until(this.notifications::isSubscribed);

		try (LogCapture log = new LogCapture(NotificationRouter.class, Level.WARN)) {
			write("slow:", 5_000);
			await().atMost(Duration.ofSeconds(10)).until(() -> !log.messages(Level.WARN).isEmpty());
			assertThat(log.messages(Level.WARN)).first()
				.asString()
				.contains("stream subscriber")
				.contains("keyspace-notifications.reactive.buffer-size");
		}

		NotificationMetrics metrics = this.notifications.metrics();
		await().atMost(Duration.ofSeconds(30))
			.until(() -> slow.received.get() + metrics.dropped(DropReason.SUBSCRIBER_OVERFLOW) == 5_000);
		long dropped = metrics.dropped(DropReason.SUBSCRIBER_OVERFLOW);
		assertThat(dropped).as("a 100-element buffer cannot hold a pipelined burst").isPositive();
		assertBalanced(metrics);
		// The episode ends with the reader's next hand-over that drops nothing: one more write.
		this.jedis.set("slow:after", "v");
		await().atMost(Duration.ofSeconds(30)).until(() -> !gaps.isEmpty());
		assertThat(gaps).singleElement().satisfies((gap) -> {
			assertThat(gap.cause()).isEqualTo(GapCause.OVERFLOW);
			assertThat(gap.node()).isEqualTo(redis.server().hostAndPort());
			assertThat(gap.channels()).containsExactly("__keyspace@0__:slow:*");
			assertThat(gap.dropped()).isEqualTo(dropped);
			assertThat(gap.start()).isBeforeOrEqualTo(gap.end());
		});
		assertThat(handlersGaps).as("only the slow subscriber missed anything: handlers need not resync").isEmpty();
		slow.dispose();
		gapSubscription.dispose();
	}

	@Test
	void subscribersShareOneServerSubscriptionAndCancellingGivesItBack() {
		ReactiveKeyspaceNotifications reactive = new ReactiveKeyspaceNotifications(this.notifications);
		String exact = "__keyspace@0__:share:exact";
		List<KeyNotification> first = new CopyOnWriteArrayList<>();
		List<KeyNotification> second = new CopyOnWriteArrayList<>();
		List<KeyNotification> exactOnes = new CopyOnWriteArrayList<>();
		Disposable a = reactive.receive(new KeyspaceChannel("share:*")).subscribe(first::add);
		Disposable b = reactive.receive(new KeyspaceChannel("share:*")).subscribe(second::add);
		Disposable c = reactive.receive(new KeyspaceChannel("share:exact")).subscribe(exactOnes::add);
		await().atMost(Duration.ofSeconds(10)).until(() -> numpat() == 1 && numsub(exact) == 1);

		this.jedis.set("share:exact", "v");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> first.size() == 1 && second.size() == 1 && exactOnes.size() == 1);

		a.dispose();
		assertThat(numpat()).as("the other subscriber still wants the pattern").isEqualTo(1);
		b.dispose();
		c.dispose();
		await().atMost(Duration.ofSeconds(1)).until(() -> numpat() == 0 && numsub(exact) == 0);
		assertThat(this.notifications.hasSubscriptions()).isFalse();
	}

	@Test
	void aFailedServerSubscriptionIsAnErrorSignal() {
		StandaloneKeyspaceNotifications unreachable = new StandaloneKeyspaceNotifications(
				new RedisNode("127.0.0.1", 1), ConnectionSettings.defaults(), NotificationOptions.defaults());
		try {
			ReactiveKeyspaceNotifications reactive = new ReactiveKeyspaceNotifications(unreachable);
			List<Throwable> errors = new CopyOnWriteArrayList<>();
			reactive.receive(new KeyspaceChannel("x:*")).subscribe((n) -> {
			}, errors::add);
			await().atMost(Duration.ofSeconds(30)).until(() -> !errors.isEmpty());
			assertThat(errors.get(0)).hasMessageContaining("127.0.0.1:1");
			assertThat(unreachable.hasSubscriptions()).isFalse();
		}
		finally {
			unreachable.close();
		}
	}

	private long numpat() {
		return this.jedis.pubsubNumPat();
	}

	private long numsub(String channel) {
		return this.jedis.pubsubNumSub(channel).get(channel);
	}

	private void write(String prefix, int count) {
		try (Pipeline pipeline = this.jedis.pipelined()) {
			for (int i = 0; i < count; i++) {
				pipeline.set(prefix + i, "v");
			}
		}
	}

	private static void assertBalanced(NotificationMetrics metrics) {
		assertThat(metrics.received()).isEqualTo(metrics.delivered() + metrics.filtered() + metrics.malformed()
				+ metrics.dropped() + metrics.inFlight());
	}

	/** Requests {@code batch} at a time, asking for more when a batch was consumed; optionally slow. */
	private static final class InBatches extends BaseSubscriber<KeyNotification> {

		final AtomicLong received = new AtomicLong();

		final AtomicLong maxOutstanding = new AtomicLong();

		private final int batch;

		private final Duration pause;

		private long outstanding;

		InBatches(int batch, Duration pause) {
			this.batch = batch;
			this.pause = pause;
		}

		@Override
		protected void hookOnSubscribe(Subscription subscription) {
			this.outstanding = this.batch;
			request(this.batch);
		}

		@Override
		protected void hookOnNext(KeyNotification notification) {
			this.outstanding--;
			this.maxOutstanding.accumulateAndGet(this.batch - this.outstanding, Math::max);
			if (!this.pause.isZero()) {
				try {
					Thread.sleep(this.pause.toMillis());
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			this.received.incrementAndGet();
			if (this.outstanding == 0) {
				this.outstanding = this.batch;
				request(this.batch);
			}
		}

	}

}
