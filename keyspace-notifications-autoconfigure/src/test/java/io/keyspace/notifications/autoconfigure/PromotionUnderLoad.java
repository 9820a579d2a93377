package io.keyspace.notifications.autoconfigure;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.keyspace.notifications.GapCause;
import io.keyspace.notifications.GroupSettings;
import io.keyspace.notifications.NotificationGap;
import io.keyspace.notifications.RedisNode;
import io.keyspace.notifications.annotation.OnKeyEvent;
import io.keyspace.notifications.internal.group.GroupKeys;
import io.keyspace.notifications.internal.group.GroupStreamEntries;
import io.keyspace.notifications.listener.NotificationGapEvent;
import io.keyspace.notifications.testing.MasterFollowingWriter;
import io.keyspace.notifications.testing.MasterFollowingWriter.Write;
import io.keyspace.notifications.testing.RedisServer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.resps.StreamEntry;

import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the promotion-under-load tests of group handlers share ({@link MasterReplicaGroupsUnderLoadIT},
 * {@link SentinelGroupsUnderLoadIT}): the application's recording bean, a probe for the moment
 * the new master's subscriptions are confirmed, and the accounting of every acknowledged write
 * against what the group handled and the gaps the application was told about.
 */
final class PromotionUnderLoad {

	static final String KEYS = "load:";

	static final String CHANNEL = "__keyspace@0__:" + KEYS + "*";

	static final String GROUP = "load";

	private PromotionUnderLoad() {
	}

	/**
	 * The application's handlers: the group's, and a plain one on the same channel that tells
	 * whether a write the group missed was lost before the forwarder (the notifications) or
	 * after it (the groups). Every {@link NotificationGapEvent}: the notifications' and the groups'.
	 */
	static class Recorder {

		final Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();

		final Set<String> delivered = ConcurrentHashMap.newKeySet();

		final List<NotificationGap> gaps = new CopyOnWriteArrayList<>();

		@OnKeyEvent(key = KEYS + "*", event = "set", group = GROUP)
		void handle(String key) {
			this.handled.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet();
		}

		@OnKeyEvent(key = KEYS + "*", event = "set")
		void deliver(String key) {
			this.delivered.add(key);
		}

		@EventListener
		void gap(NotificationGapEvent event) {
			this.gaps.add(event.gap());
		}

		boolean handled(String key) {
			return this.handled.containsKey(key);
		}

	}

	/** When the notifications first had {@link #CHANNEL} confirmed on a node, polled every 5 ms. */
	static final class ConfirmationProbe implements AutoCloseable {

		private final AtomicReference<Instant> at = new AtomicReference<>();

		private final Thread thread;

		private volatile boolean stopped;

		ConfirmationProbe(Supplier<Map<RedisNode, Set<String>>> serverSubscriptions, String hostAndPort) {
			RedisNode node = RedisNode.parse(hostAndPort);
			this.thread = new Thread(() -> {
				while (!this.stopped && this.at.get() == null) {
					if (serverSubscriptions.get().getOrDefault(node, Set.of()).contains(CHANNEL)) {
						this.at.set(Instant.now());
					}
					LockSupport.parkNanos(5_000_000);
				}
			}, "confirmation-probe");
			this.thread.start();
		}

		/** When confirmed; null until then. */
		Instant at() {
			return this.at.get();
		}

		@Override
		public void close() throws InterruptedException {
			this.stopped = true;
			this.thread.join(5_000);
		}

	}

	/**
	 * Writes through a promotion and checks the outcome ({@link #assertHandledOrInAGap}): waits
	 * for 1,500 writes on the old master, promotes, waits for the new master's subscriptions and
	 * 1,500 writes after them, then stops the writer.
	 * @param what how the output names the promotion, e.g. "Failover to"
	 * @param masterNow the master once it is over
	 */
	static void promoteUnderLoad(String what, MasterFollowingWriter writer, Recorder recorder,
			Supplier<Map<RedisNode, Set<String>>> serverSubscriptions, RedisServer oldMaster, RedisServer newMaster,
			Runnable promote, Supplier<RedisServer> masterNow) throws InterruptedException {
		Phases phases;
		List<Write> acknowledged;
		try (ConfirmationProbe confirmed = new ConfirmationProbe(serverSubscriptions, newMaster.hostAndPort())) {
			await().atMost(Duration.ofSeconds(10)).until(() -> writer.acknowledgedBy(oldMaster.hostAndPort()) >= 1_500);
			Instant promoting = Instant.now();
			promote.run();
			await().atMost(Duration.ofSeconds(10)).until(() -> confirmed.at() != null);
			long beforeConfirmed = writer.acknowledgedBy(newMaster.hostAndPort());
			await().atMost(Duration.ofSeconds(10))
				.until(() -> writer.acknowledgedBy(newMaster.hostAndPort()) >= beforeConfirmed + 1_500);
			writer.stop();
			phases = new Phases(oldMaster.hostAndPort(), newMaster.hostAndPort(), promoting, confirmed.at());
			acknowledged = writer.acknowledged();
			System.out.println(what + " " + newMaster.hostAndPort() + " under load: writer " + writer);
		}
		System.out.println(what + " " + newMaster.hostAndPort() + " under load: "
				+ assertHandledOrInAGap(recorder, acknowledged, phases, masterNow.get()));
	}

	/**
	 * A gap covers a write if the write may have been applied within its window by the node it
	 * names, or, for a {@code FAILOVER} gap, by the master that replaced that node: the replaced
	 * master's gap runs until its successor's subscriptions are confirmed, so it stands for the
	 * successor's writes before then (docs/sentinel.md, "Manual failover").
	 */
	static boolean covers(NotificationGap gap, Write write, String oldMaster, String newMaster) {
		boolean node = gap.node().equals(write.node())
				|| (gap.cause() == GapCause.FAILOVER && gap.node().equals(oldMaster) && write.node().equals(newMaster));
		return node && write.overlaps(gap.start(), gap.end());
	}

	/**
	 * The phases of a promotion, by which node acknowledged a write and when. {@code promoting}
	 * is when the promotion was asked for, {@code confirmed} when the new master's subscription
	 * was seen confirmed.
	 */
	record Phases(String oldMaster, String newMaster, Instant promoting, Instant confirmed) {

		/** Acknowledged by the old master before the promotion was asked for. */
		boolean beforePromotion(Write write) {
			return write.node().equals(this.oldMaster) && write.acknowledged().isBefore(this.promoting);
		}

		/** Sent to the new master after its subscriptions were confirmed. */
		boolean afterConfirmation(Write write) {
			return write.node().equals(this.newMaster) && write.sent().isAfter(this.confirmed);
		}

		String phaseOf(Write write) {
			if (beforePromotion(write)) {
				return "old master, before the promotion";
			}
			if (write.node().equals(this.oldMaster)) {
				return "old master, during the promotion";
			}
			return afterConfirmation(write) ? "new master, after its subscription was confirmed"
					: "new master, before its subscription was confirmed";
		}

	}

	/**
	 * Asserts that the group handles every write the new master acknowledged after its
	 * subscription was confirmed, and every other acknowledged write too unless a gap reported
	 * for its node and time covers it; then waits until the group has handled everything it will
	 * (no key added for a second) and counts.
	 * @param master the master now, asked which of the writes the group did not handle Redis kept
	 * @return a line with the numbers, for the test's output
	 */
	static String assertHandledOrInAGap(Recorder recorder, List<Write> acknowledged, Phases phases,
			RedisServer master) {
		Predicate<Write> covered = (write) -> recorder.gaps.stream()
			.anyMatch((gap) -> covers(gap, write, phases.oldMaster(), phases.newMaster()));
		// No gap excuses these: the new master is read and its stream written once its subscription
		// is confirmed. (The old master's writes just before the promotion are not among them: what
		// the forwarder appends to the old master after the replica's REPLICAOF NO ONE is discarded
		// with the old master's data when it syncs from the new one.)
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(acknowledged.stream()
			.filter((write) -> phases.afterConfirmation(write) && !recorder.handled(write.key()))
			.map((write) -> write + " (delivered to the plain handler: " + recorder.delivered.contains(write.key())
					+ ")")
			.toList())
			.as("writes the new master acknowledged after its subscription was confirmed, not handled by the group; "
					+ "gaps %s, %s", recorder.gaps, phases)
			.isEmpty());
		// The old master's writes after the replica's promotion too: Redis discards them when the
		// old master resynchronizes, but their notifications were read, so the group handles them.
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(acknowledged.stream()
			.filter((write) -> !recorder.handled(write.key()) && !covered.test(write))
			.map((write) -> write + " (" + phases.phaseOf(write) + "; delivered to the plain handler: "
					+ recorder.delivered.contains(write.key()) + ")")
			.toList())
			.as("acknowledged writes neither handled by the group nor in a reported gap; gaps %s, %s", recorder.gaps,
					phases)
			.isEmpty());
		awaitQuiet(recorder);
		List<Write> unhandled = acknowledged.stream().filter((write) -> !recorder.handled(write.key())).toList();
		long duplicates = recorder.handled.values().stream().filter((count) -> count.get() > 1).count();
		return String.format(Locale.ROOT,
				"acknowledged %,d (old master %,d before the promotion, %,d during; new master %,d before its "
						+ "subscription was confirmed, %,d after), handled %,d, not handled but in a gap %,d %s, "
						+ "handled twice or more %,d; gaps %s",
				acknowledged.size(), count(acknowledged, phases::beforePromotion),
				count(acknowledged, (w) -> w.node().equals(phases.oldMaster()) && !phases.beforePromotion(w)),
				count(acknowledged, (w) -> w.node().equals(phases.newMaster()) && !phases.afterConfirmation(w)),
				count(acknowledged, phases::afterConfirmation), acknowledged.size() - unhandled.size(),
				unhandled.size(), unhandled(recorder, unhandled, phases, master), duplicates, recorder.gaps);
	}

	/**
	 * The writes the group did not handle by phase, with how many the plain handler had, how many
	 * Redis kept (a write that raced a promotion can be lost from the data too) and how many the
	 * group's stream holds; and the first few the plain handler had, when relative to the promotion.
	 */
	private static String unhandled(Recorder recorder, List<Write> unhandled, Phases phases, RedisServer master) {
		Set<String> kept = new HashSet<>();
		Set<String> inStream = new HashSet<>();
		try (Jedis jedis = master.jedis()) {
			Pipeline pipeline = jedis.pipelined();
			Map<String, Response<Boolean>> exists = new HashMap<>();
			unhandled.forEach((write) -> exists.put(write.key(), pipeline.exists(write.key())));
			pipeline.sync();
			exists.forEach((key, reply) -> {
				if (reply.get()) {
					kept.add(key);
				}
			});
			GroupKeys keys = new GroupKeys(GroupSettings.defaults().streamKeyPrefix(), GROUP);
			for (StreamEntry entry : jedis.xrange(keys.stream("0"), "-", "+")) {
				inStream.addAll(GroupStreamEntries.keysOf(entry));
			}
		}
		Map<String, List<Write>> byPhase = unhandled.stream()
			.collect(Collectors.groupingBy(phases::phaseOf, TreeMap::new, Collectors.toList()));
		StringBuilder text = new StringBuilder("{");
		byPhase.forEach((phase, writes) -> text.append(String.format(Locale.ROOT,
				"%s: %,d (delivered to the plain handler %,d, kept by Redis %,d, in the group's stream %,d); ", phase,
				writes.size(), count(writes, (w) -> recorder.delivered.contains(w.key())),
				count(writes, (w) -> kept.contains(w.key())), count(writes, (w) -> inStream.contains(w.key())))));
		text.append("} delivered to the plain handler: ");
		unhandled.stream().filter((w) -> recorder.delivered.contains(w.key())).limit(10).forEach((w) -> text.append(
				String.format(Locale.ROOT, "%s on %s acknowledged %+d ms after the promotion began, kept %s; ",
						w.key(), w.node(), Duration.between(phases.promoting(), w.acknowledged()).toMillis(),
						kept.contains(w.key()))));
		return text.toString();
	}

	private static long count(List<Write> writes, Predicate<Write> which) {
		return writes.stream().filter(which).count();
	}

	/** Until the group handled no new key for a second: what is in flight arrived. */
	private static void awaitQuiet(Recorder recorder) {
		int[] last = { -1 };
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(1)).until(() -> {
			int now = recorder.handled.size();
			boolean quiet = now == last[0];
			last[0] = now;
			return quiet;
		});
	}

}
