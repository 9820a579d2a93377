package io.keyspace.notifications;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.testing.PacedWriter;
import io.keyspace.notifications.testing.RedisServer;
import io.keyspace.notifications.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.RedisClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Group handling against a real redis-server, with three "instances" in one JVM (each its own
 * notifications, Redis client and {@link NotificationGroups}): each event handled once across
 * them, a forwarder that goes away replaced without loss, a failing consumer's entries handled
 * by another, a restarted instance resuming from the group's position, and poison entries
 * moved to the dead-letter stream.
 */
class NotificationGroupsIT {

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.withConfig("notify-keyspace-events", "KEA");

	private static final GroupSettings FAST = GroupSettings.defaults()
		.withLeaseTime(Duration.ofSeconds(1))
		.withClaimTimeout(Duration.ofMillis(800))
		.withMaxDeliveries(3);

	private final List<Instance> instances = new ArrayList<>();

	/** How often each key was handled, across instances. */
	private final Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();

	private final AtomicInteger unique = new AtomicInteger();

	private String group;

	@BeforeEach
	void newGroup() {
		this.group = "g" + System.nanoTime();
	}

	@AfterEach
	void closeInstances() {
		this.instances.forEach(Instance::close);
	}

	@Test
	void eachNotificationIsHandledOnceAcrossThreeInstances() {
		for (int i = 0; i < 3; i++) {
			start(this::record);
		}
		List<String> keys = write("once:", 10_000);

		awaitHandled(keys);
		assertThat(this.handled).allSatisfy((key, count) -> assertThat(count.get()).as(key).isEqualTo(1));
		long forwarders = this.instances.stream().filter((i) -> i.metrics().forwarded() > 0).count();
		assertThat(forwarders).as("one forwarder for the one source").isEqualTo(1);
		assertThat(this.instances.stream().mapToLong((i) -> i.metrics().handled()).sum()).isEqualTo(10_000);
	}

	@Test
	void anotherInstanceTakesOverWhenTheForwarderGoesAwayAndNothingIsLost() throws Exception {
		for (int i = 0; i < 3; i++) {
			start(this::record);
		}
		List<NotificationGap> gaps = new CopyOnWriteArrayList<>();
		this.instances.forEach((i) -> i.groups.addGapListener(gaps::add));
		try (PacedWriter writer = writer("handover:")) {
			Instance forwarder = awaitForwarder();
			// A crash, not a clean close: its Redis client goes first, so it cannot hand the lease over.
			forwarder.redis.close();
			Instant crashed = Instant.now();
			forwarder.close();
			this.instances.remove(forwarder);
			Instance next = awaitForwarder();
			assertThat(Duration.between(crashed, Instant.now())).isLessThan(FAST.leaseTime().multipliedBy(3));
			long forwardedBefore = next.metrics().forwarded();
			await().until(() -> next.metrics().forwarded() > forwardedBefore + 500);
			writer.stop();
			awaitHandled(writer.written());
		}
		assertThat(gaps).as("the replay covered the handover").isEmpty();
	}

	/**
	 * A forwarder whose dispatch lanes fall behind (another handler of its application is
	 * slow) claims no progress while its lanes hold notifications, so whoever takes over after
	 * it dies replays from its last drained moment: nothing is lost. With a note that moved on
	 * at every renewal, the takeover would replay only the last second and lose what sat in the
	 * dead forwarder's lanes.
	 */
	@Test
	void aForwarderThatFellBehindAndDiedIsReplayedFromItsLastDrainedMoment() throws Exception {
		Instance behind = start(this::record);
		behind.notifications.subscribe((n) -> LockSupport.parkNanos(5_000_000), new KeyspaceChannel("*"));
		await().until(behind::isLeading);
		Instance next = start(this::record);
		List<NotificationGap> gaps = new CopyOnWriteArrayList<>();
		next.groups.addGapListener(gaps::add);
		List<String> written;
		Instant firstWrite = Instant.now();
		try (PacedWriter writer = writer("behind:")) {
			await().until(() -> writer.written().size() >= 4_000);
			assertThat(behind.notifications.metrics().inFlight()).as("the lanes are behind").isPositive();
			behind.redis.close(); // a crash: no clean hand-over
			behind.close();
			this.instances.remove(behind);
			await().atMost(FAST.leaseTime().multipliedBy(3)).until(next::isLeading);
			writer.stop();
			written = writer.written();
		}

		awaitHandled(written);
		// The dead forwarder's last drained moment was before "next" listened, so the window
		// between is reported, conservatively; nothing was written in it.
		assertThat(gaps).allSatisfy((gap) -> assertThat(gap.end()).isBeforeOrEqualTo(firstWrite));
	}

	@Test
	void aCleanHandoverForwardsNothingTwice() throws Exception {
		for (int i = 0; i < 3; i++) {
			start(this::record);
		}
		try (PacedWriter writer = writer("clean:")) {
			Instance forwarder = awaitForwarder();
			await().until(() -> forwarder.metrics().forwarded() > 500);
			forwarder.close();
			this.instances.remove(forwarder);
			Instance next = awaitForwarder();
			long forwardedBefore = next.metrics().forwarded();
			await().until(() -> next.metrics().forwarded() > forwardedBefore + 500);
			writer.stop();
			awaitHandled(writer.written());
		}
		assertThat(this.handled).allSatisfy((key, count) -> assertThat(count.get()).as(key).isEqualTo(1));
	}

	@Test
	void entriesAConsumerThatHungMidHandlerLeftPendingAreHandledByAnother() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		Instance hung = start((n) -> {
			try {
				release.await(); // a consumer that stops mid-handler, as a dying instance would
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		try {
			List<String> keys = write("hung:", 200);
			await().until(() -> hung.metrics().forwarded() == keys.size());
			Instance healthy = start(this::record);

			awaitHandled(keys);
			assertThat(healthy.metrics().reclaimed()).isPositive();
			assertThat(this.handled).allSatisfy((key, count) -> assertThat(count.get()).isEqualTo(1));
		}
		finally {
			release.countDown();
		}
	}

	@Test
	void aRestartedInstanceResumesFromTheGroupsPositionAndTheUnwatchedWindowIsAGap() {
		Instance first = start((n) -> {
			LockSupport.parkNanos(2_000_000); // slower than the writes: a backlog builds in the stream
			record(n);
		});
		List<String> keys = write("resume:", 1_000);
		await().until(() -> first.metrics().forwarded() == keys.size() && first.metrics().handled() > 50);
		first.close();
		this.instances.remove(first);
		assertThat(first.metrics().handled()).isLessThan(keys.size());

		List<NotificationGap> gaps = new CopyOnWriteArrayList<>();
		Instance restarted = start(this::record);
		restarted.groups.addGapListener(gaps::add);
		String after = write("resume-after:", 1).get(0);

		awaitHandled(keys);
		awaitHandled(List.of(after));
		assertThat(gaps).singleElement().satisfies((gap) -> {
			assertThat(gap.cause()).isEqualTo(GapCause.NO_FORWARDER);
			assertThat(gap.node()).isEqualTo(redis.server().hostAndPort());
			assertThat(gap.channels()).containsExactly("__keyspace@0__:*");
		});
	}

	@Test
	void entriesTheCapTrimmedBeforeTheyWereHandledAreReportedAsAnOverflowGap() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		Instance stuck = start((n) -> {
			try {
				release.await(); // consumers far behind: the stream's cap trims what they did not read
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, FAST.withMaxLength(100));
		List<NotificationGap> gaps = new CopyOnWriteArrayList<>();
		stuck.groups.addGapListener(gaps::add);
		await().until(stuck::isLeading);
		try {
			// Entries hold up to 16 notifications: 2,000 entries at least, far past the cap of 100.
			write("trimmed:", 16 * 2_000);

			// The group exists before the first entry, so every entry trimmed unread is counted.
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(gaps).anySatisfy((gap) -> {
				assertThat(gap.cause()).isEqualTo(GapCause.OVERFLOW);
				assertThat(gap.node()).isEqualTo(redis.server().hostAndPort());
				assertThat(gap.channels()).containsExactly("__keyspace@0__:*");
				assertThat(gap.dropped()).as("entries trimmed before they were delivered").isPositive();
			}));
		}
		finally {
			release.countDown();
		}
	}

	/**
	 * Redis restarts without persistence under writes: the group's stream, its consumer group,
	 * leases and notes are gone. The one instance that recreates the group reports the loss
	 * once, every write after the subscriptions are back is handled, and what was handled
	 * before the restart is not replayed.
	 */
	@Test
	void aStreamLostInARestartWithoutPersistenceIsRecreatedAndEveryLaterWriteHandled() throws Exception {
		Instance a = start(this::record);
		Instance b = start(this::record);
		List<NotificationGap> gaps = new CopyOnWriteArrayList<>();
		this.instances.forEach((i) -> i.groups.addGapListener(gaps::add));
		List<String> later;
		try (PacedWriter writer = writer("restart:")) {
			await().atMost(Duration.ofSeconds(30)).until(() -> this.handled.size() > 500);

			redis.server().kill();
			redis.server().start(); // empty: save "" and appendonly no
			await().atMost(Duration.ofSeconds(30))
				.until(() -> a.notifications.isSubscribed() && b.notifications.isSubscribed());
			int from = writer.written().size();
			await().atMost(Duration.ofSeconds(30)).until(() -> writer.written().size() > from + 1_000);
			writer.stop();
			later = writer.written().subList(from, writer.written().size());
		}

		awaitHandled(later);
		await().atMost(Duration.ofSeconds(10)).until(() -> !gaps(gaps, GapCause.STREAM_LOST).isEmpty());
		assertThat(gaps(gaps, GapCause.STREAM_LOST)).as("reported once, by the instance that recreated it")
			.singleElement()
			.satisfies((gap) -> assertThat(gap.node()).isEqualTo(redis.server().hostAndPort()));
		long twice = this.handled.values().stream().filter((count) -> count.get() > 1).count();
		assertThat(twice).as("keys handled twice (nothing handled before the restart is replayed)").isZero();
	}

	@Test
	void aStreamDeletedUnderWritesIsRecreatedAndEveryLaterWriteHandled() throws Exception {
		start(this::record);
		start(this::record);
		List<NotificationGap> gaps = new CopyOnWriteArrayList<>();
		this.instances.forEach((i) -> i.groups.addGapListener(gaps::add));
		List<String> later;
		try (PacedWriter writer = writer("deleted:")) {
			await().atMost(Duration.ofSeconds(30)).until(() -> this.handled.size() > 500);

			int from;
			try (Jedis jedis = redis.server().jedis()) {
				jedis.del(FAST.streamKeyPrefix() + this.group + ":{0}");
				from = writer.written().size();
			}
			await().atMost(Duration.ofSeconds(30)).until(() -> writer.written().size() > from + 1_000);
			writer.stop();
			later = writer.written().subList(from, writer.written().size());
		}

		awaitHandled(later);
		await().atMost(Duration.ofSeconds(10)).until(() -> !gaps(gaps, GapCause.STREAM_LOST).isEmpty());
		assertThat(gaps(gaps, GapCause.STREAM_LOST)).singleElement()
			.satisfies((gap) -> assertThat(gap.node()).isEqualTo(redis.server().hostAndPort()));
		assertThat(gaps).as("no other gap: the forwarders kept their leases").hasSize(1);
	}

	@Test
	void anEntryThatKeepsFailingMovesToTheDeadLetterStream() {
		Instance instance = start((n) -> {
			if (n.key().startsWith("poison")) {
				throw new IllegalStateException("cannot handle " + n.key());
			}
			record(n);
		});
		List<String> good = write("good:", 10);
		List<String> poison = write("poison:", 1);

		awaitHandled(good);
		await().atMost(Duration.ofSeconds(20)).until(() -> instance.metrics().deadLettered() == 1);
		try (Jedis jedis = redis.server().jedis()) {
			var dead = jedis.xrange(FAST.streamKeyPrefix() + this.group + ":dead", "-", "+");
			assertThat(dead).singleElement().satisfies((entry) -> {
				assertThat(entry.getFields()).containsEntry("deliveries", "3");
				assertThat(entry.getFields().get("message")).isEqualTo("set");
				assertThat(entry.getFields().get("channel")).endsWith(poison.get(0));
			});
		}
	}

	/** SETs of new keys at about 2,000 a second, until stopped. */
	private PacedWriter writer(String prefix) {
		String unique = prefix + this.unique.incrementAndGet() + ":";
		return new PacedWriter("group-writer", 2_000, redis.server()::jedis, (jedis, i) -> {
			jedis.set(unique + i, "v");
			return unique + i;
		});
	}

	private static List<NotificationGap> gaps(List<NotificationGap> gaps, GapCause cause) {
		return gaps.stream().filter((gap) -> gap.cause() == cause).toList();
	}

	private Instance start(KeyNotificationHandler handler) {
		return start(handler, FAST);
	}

	private Instance start(KeyNotificationHandler handler, GroupSettings settings) {
		RedisServer server = redis.server();
		Instance instance = new Instance(server, this.group, handler, settings);
		this.instances.add(instance);
		return instance;
	}

	private void record(KeyNotification notification) {
		this.handled.computeIfAbsent(notification.key(), (k) -> new AtomicInteger()).incrementAndGet();
	}

	private List<String> write(String prefix, int count) {
		String unique = prefix + this.unique.incrementAndGet() + ":";
		List<String> keys = new ArrayList<>(count);
		try (Jedis jedis = redis.server().jedis()) {
			Pipeline pipeline = jedis.pipelined();
			for (int i = 0; i < count; i++) {
				keys.add(unique + i);
				pipeline.set(unique + i, "v");
			}
			pipeline.sync();
		}
		return keys;
	}

	private void awaitHandled(List<String> keys) {
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(this.handled.keySet()).containsAll(keys));
	}

	private Instance awaitForwarder() {
		return await().atMost(FAST.leaseTime().multipliedBy(3))
			.until(() -> this.instances.stream().filter(Instance::isForwarding).findFirst(), (found) -> found.isPresent())
			.orElseThrow();
	}

	/** One application instance: its own subscriber, Redis client and groups. */
	private static final class Instance {

		final StandaloneKeyspaceNotifications notifications;

		final RedisClient redis;

		final NotificationGroups groups;

		final String group;

		private long forwardedAtLastLook;

		Instance(RedisServer server, String group, KeyNotificationHandler handler, GroupSettings settings) {
			this.group = group;
			this.notifications = new StandaloneKeyspaceNotifications(new RedisNode(server.host(), server.port()),
					ConnectionSettings.defaults());
			this.redis = RedisClient.create(server.host(), server.port());
			this.groups = new NotificationGroups(this.notifications, this.redis,
					settings.withConsumerName(GroupSettings.defaultConsumerName()));
			this.groups.subscribe(group, handler, new KeyspaceChannel("*"));
		}

		GroupMetrics metrics() {
			return this.groups.metrics(this.group);
		}

		/** Whether it holds the group's lease now. */
		boolean isLeading() {
			try (Jedis jedis = NotificationGroupsIT.redis.server().jedis()) {
				return this.groups.settings().consumerName()
					.equals(jedis.get(FAST.streamKeyPrefix() + this.group + ":{0}:lease"));
			}
		}

		/** Whether it forwarded something since the previous look. */
		synchronized boolean isForwarding() {
			long forwarded = metrics().forwarded();
			boolean forwarding = forwarded > this.forwardedAtLastLook;
			this.forwardedAtLastLook = forwarded;
			return forwarding;
		}

		void close() {
			this.groups.close();
			this.notifications.close();
			this.redis.close();
		}

	}

}
