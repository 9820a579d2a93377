package io.keyspace.notifications.internal.group;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.keyspace.notifications.GapCause;
import io.keyspace.notifications.HandlerObserver;
import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.internal.group.GroupFixture.Instance;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.StreamEntryID;

import static io.keyspace.notifications.internal.group.GroupFixture.STREAM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A member's decisions on fake time: what it reclaims, what goes to the dead-letter stream,
 * what it handles first when it joins again, what it reports and recreates when Redis lost
 * the stream, and that closing waits for the handler call under way and starts no other.
 */
class GroupConsumerTest {

	private final GroupFixture group = new GroupFixture();

	private final List<String> handled = new CopyOnWriteArrayList<>();

	private final KeyNotificationHandler recording = (n) -> this.handled.add(n.key());

	@Test
	void entriesAMemberLeftPendingPastTheClaimTimeoutAreReclaimedByAnother() {
		Instance dead = this.group.instance("dead");
		Instance healthy = this.group.instance("healthy", this.recording);
		written("k1", "k2");
		dead.redis.read(STREAM, null, 10, 0); // delivered to a member that dies before handling

		healthy.consumer.watch();
		healthy.consumer.reclaimAll();
		assertThat(this.handled).as("not idle long enough yet").isEmpty();

		this.group.clock().advance(GroupFixture.SETTINGS.claimTimeout().toMillis());
		healthy.consumer.reclaimAll();

		assertThat(this.handled).containsExactly("k1", "k2");
		assertThat(healthy.counters.snapshot().reclaimed()).isEqualTo(2);
		assertThat(this.group.server.pending(STREAM)).isZero();
	}

	@Test
	void anEntryThatFailsMaxDeliveriesTimesMovesToTheDeadLetterStream() {
		Instance member = this.group.instance("m", (n) -> {
			throw new IllegalStateException("cannot handle " + n.key());
		});
		written("poison");
		member.consumer.watch();
		member.consumer.readOnce(STREAM, null); // delivery 1
		long claim = GroupFixture.SETTINGS.claimTimeout().toMillis();
		for (int delivery = 2; delivery <= GroupFixture.SETTINGS.maxDeliveries(); delivery++) {
			this.group.clock().advance(claim);
			member.consumer.reclaimAll();
			assertThat(this.group.server.deadLetters()).as("after %d deliveries", delivery - 1).isEmpty();
		}

		this.group.clock().advance(claim);
		member.consumer.reclaimAll();

		assertThat(this.group.server.deadLetters()).singleElement().satisfies((dead) -> {
			assertThat(dead).containsEntry("deliveries", "3").containsEntry("stream", STREAM);
			assertThat(dead.get("channel")).endsWith("poison");
		});
		assertThat(member.counters.snapshot().deadLettered()).isEqualTo(1);
		assertThat(member.counters.snapshot().failed()).isEqualTo(3);
		assertThat(this.group.server.pending(STREAM)).isZero();
	}

	@Test
	void ofAnEntryOnlyTheNotificationThatFailedIsRetriedAndDeadLettered() {
		List<String> calls = new CopyOnWriteArrayList<>();
		Instance member = this.group.instance("m", (n) -> {
			calls.add(n.key());
			if (n.key().equals("poison")) {
				throw new IllegalStateException("cannot handle " + n.key());
			}
		});
		written("k1", "poison", "k2"); // one entry
		assertThat(this.group.server.view("reader", GroupFixture.SETTINGS.leaseTime()).entriesSince(STREAM, 0))
			.hasSize(1);
		member.consumer.watch();
		member.consumer.readOnce(STREAM, null);
		assertThat(calls).containsExactly("k1", "poison", "k2");
		long claim = GroupFixture.SETTINGS.claimTimeout().toMillis();
		for (int delivery = 2; delivery <= GroupFixture.SETTINGS.maxDeliveries(); delivery++) {
			this.group.clock().advance(claim);
			member.consumer.reclaimAll();
		}
		this.group.clock().advance(claim);
		member.consumer.reclaimAll();

		assertThat(calls).containsExactly("k1", "poison", "k2", "poison", "poison");
		assertThat(this.group.server.deadLetters()).singleElement()
			.satisfies((dead) -> assertThat(dead.get("channel")).endsWith(":poison"));
		assertThat(member.counters.snapshot().handled()).isEqualTo(2);
		assertThat(member.counters.snapshot().deadLettered()).isEqualTo(1);
		assertThat(this.group.server.pending(STREAM)).isZero();
	}

	@Test
	void anEntryAnotherMemberFailedOnIsRetriedWhole() {
		Instance failing = this.group.instance("failing", (n) -> {
			throw new IllegalStateException("down");
		});
		Instance healthy = this.group.instance("healthy", this.recording);
		written("k1", "k2");
		failing.consumer.watch();
		failing.consumer.readOnce(STREAM, null);

		this.group.clock().advance(GroupFixture.SETTINGS.claimTimeout().toMillis());
		healthy.consumer.watch();
		healthy.consumer.reclaimAll();

		assertThat(this.handled).containsExactly("k1", "k2");
		assertThat(healthy.counters.snapshot().reclaimed()).isEqualTo(2);
	}

	@Test
	void everyHandlerCallGoesThroughTheObserverWithTheGroupsName() {
		List<String> observed = new CopyOnWriteArrayList<>();
		Instance member = this.group.instance("m", this.recording, new HandlerObserver() {
			@Override
			public void call(KeyNotificationHandler handler, String group, KeyNotification notification) {
				observed.add(group + " " + notification.key());
				handler.onNotification(notification);
			}
		});
		written("k1", "k2");
		member.consumer.watch();

		member.consumer.readOnce(STREAM, null);

		assertThat(observed).containsExactly("g k1", "g k2");
		assertThat(this.handled).containsExactly("k1", "k2");
	}

	@Test
	void aMemberThatJoinsAgainHandlesWhatItLeftPendingFirst() {
		written("k1", "k2");
		Instance before = this.group.instance("m");
		before.redis.read(STREAM, null, 10, 0); // read, then stopped before handling them
		written("k3");

		Instance again = this.group.instance("m", this.recording);
		StreamEntryID next = again.consumer.readOnce(STREAM, new StreamEntryID());
		assertThat(this.handled).containsExactly("k1", "k2");
		assertThat(again.consumer.readOnce(STREAM, next)).as("its own pending entries are done").isNull();
		again.consumer.readOnce(STREAM, null);

		assertThat(this.handled).containsExactly("k1", "k2", "k3");
		assertThat(this.group.server.pending(STREAM)).isZero();
	}

	@Test
	void aGroupRedisLostIsRecreatedByTheFirstReaderAndReportedOnce() {
		Instance a = this.group.instance("a", this.recording);
		Instance b = this.group.instance("b", this.recording);
		written("k1", "k2");
		a.redis.read(STREAM, null, 1, 0); // k1 delivered to a, not handled: pending when the stream goes
		a.consumer.watch();
		b.consumer.watch();
		this.group.clock().advance(300);

		this.group.server.restartEmpty();
		this.group.clock().advance(300);
		a.consumer.readOnce(STREAM, null);
		b.consumer.readOnce(STREAM, null);
		b.consumer.watch();

		assertThat(this.group.server.hasGroup(STREAM)).isTrue();
		assertThat(this.group.gaps(GapCause.STREAM_LOST)).singleElement().satisfies((gap) -> {
			assertThat(gap.node()).isEqualTo(GroupFixture.NODE);
			assertThat(gap.start().toEpochMilli()).as("from the oldest entry not handled")
				.isEqualTo(this.group.clock().millis() - 600);
			assertThat(gap.end().toEpochMilli()).isEqualTo(this.group.clock().millis());
			assertThat(gap.channels()).isEqualTo(GroupFixture.CHANNELS);
		});
		written("k3");
		b.consumer.readOnce(STREAM, null);
		assertThat(this.handled).containsExactly("k3");
	}

	@Test
	void theWatchReportsEntriesTheCapTrimmedBeforeTheyWereHandled() {
		GroupFixture small = new GroupFixture(GroupFixture.SETTINGS.withMaxLength(10));
		Instance member = small.instance("m");
		member.recovery.ensure(STREAM, GroupFixture.NODE);
		writtenTo(small, 5, "early"); // an entry each
		member.redis.read(STREAM, null, 5, 0); // delivered, never acknowledged
		member.consumer.watch();
		assertThat(small.gaps).isEmpty();

		writtenTo(small, 20, "late"); // the cap keeps the last 10: 5 pending and 10 unread trimmed
		member.consumer.watch();
		member.consumer.watch(); // a second look reports nothing new

		assertThat(small.gaps(GapCause.OVERFLOW)).singleElement().satisfies((gap) -> {
			assertThat(gap.dropped()).as("trimmed before they were delivered").isEqualTo(10);
			assertThat(gap.node()).isEqualTo(GroupFixture.NODE);
		});
	}

	@Test
	void closingWaitsForTheHandlerCallUnderWayAndStartsNoOther() throws Exception {
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger order = new AtomicInteger();
		AtomicInteger handlerReturned = new AtomicInteger();
		Instance member = this.group.instance("m", (n) -> {
			this.handled.add(n.key());
			entered.countDown();
			awaitLatch(release);
			handlerReturned.set(order.incrementAndGet());
		});
		written("k1", "k2", "k3");
		Thread reader = new Thread(() -> member.consumer.readOnce(STREAM, null));
		reader.start();
		assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

		AtomicInteger closeReturned = new AtomicInteger();
		Thread closing = new Thread(() -> {
			member.consumer.close();
			closeReturned.set(order.incrementAndGet());
		});
		closing.start();
		// close() waits in the gate for the handler: only then may the handler return
		await().atMost(Duration.ofSeconds(10)).until(() -> closing.getState() == Thread.State.TIMED_WAITING);
		release.countDown();
		closing.join(10_000);
		reader.join(10_000);

		assertThat(closeReturned.get()).as("close returned after the handler").isGreaterThan(handlerReturned.get())
			.isPositive();
		assertThat(this.handled).as("no call started after close").containsExactly("k1");
		assertThat(this.group.server.pending(STREAM)).as("their entry waits in the stream").isEqualTo(1);
	}

	private void written(String... keys) {
		writtenTo(this.group, keys);
	}

	private static void writtenTo(GroupFixture fixture, String... keys) {
		GroupRedis writer = fixture.server.view("writer", GroupFixture.SETTINGS.leaseTime());
		writer.createGroup(STREAM); // as a forwarder does before its first write
		writer.register(STREAM);
		writer.acquireLease(GroupFixture.TAG); // appends are fenced by the lease
		List<Forward> batch = new ArrayList<>();
		for (String key : keys) {
			batch.add(new Forward(GroupFixture.TAG, GroupFixture.notification(key)));
		}
		writer.append(batch);
	}

	/** Appends one entry per key. */
	private static void writtenTo(GroupFixture fixture, int count, String prefix) {
		for (int i = 0; i < count; i++) {
			writtenTo(fixture, prefix + i);
		}
	}

	private static void awaitLatch(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
