package io.keyspace.notifications.internal.group;

import java.time.Duration;

import io.keyspace.notifications.GapCause;
import io.keyspace.notifications.internal.group.GroupFixture.Instance;
import org.junit.jupiter.api.Test;

import static io.keyspace.notifications.internal.group.GroupFixture.STREAM;
import static io.keyspace.notifications.internal.group.GroupFixture.TAG;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The forwarder's decisions on fake time: who holds the lease and until when it surely
 * forwarded, what a takeover replays (the previous forwarder's note, the margins, a note Redis
 * lost), and what it reports. Each step is driven by the test; no thread, no sleep.
 */
class ForwarderTest {

	private final GroupFixture group = new GroupFixture();

	@Test
	void theFirstForwarderGivesTheStreamItsGroupBeforeWritingAnything() {
		Instance a = this.group.listening("a");

		a.forwarder.tick();

		assertThat(a.leads()).isTrue();
		assertThat(this.group.server.hasGroup(STREAM)).as("the group exists before the first entry").isTrue();
		a.read("k1", "k2");
		a.forward();
		assertThat(this.group.server.streamKeys(STREAM)).containsExactly("k1", "k2");
		assertThat(a.counters.snapshot().forwarded()).isEqualTo(2);
		assertThat(this.group.gaps).isEmpty();
	}

	@Test
	void theHolderRenewsItsLeaseSoNoOtherTakesIt() {
		Instance a = this.group.listening("a");
		Instance b = this.group.listening("b");
		a.forwarder.tick();
		for (int i = 0; i < 10; i++) {
			this.group.clock().advance(400); // more than the lease in all, less than it between renewals
			b.forwarder.tick();
			a.forwarder.tick();
		}
		assertThat(a.leads()).isTrue();
		b.read("k");
		assertThat(b.counters.snapshot().notForwarded()).as("kept for a takeover, not written").isEqualTo(1);
	}

	@Test
	void whenTheLeaseLapsesAnotherTakesOverAndWritesWhatTheDeadForwarderDidNot() {
		Instance a = this.group.listening("a");
		Instance b = this.group.listening("b");
		a.forwarder.tick();
		both(a, b, "k1", "k2");
		a.forward();
		passCheckpoint(a);
		b.forwarder.tick(); // sees the note
		this.group.clock().advance(200);
		both(a, b, "k3", "k4"); // a dies before writing these

		this.group.clock().advance(1_100);
		b.forwarder.tick();
		b.forward();

		assertThat(b.leads()).isTrue();
		assertThat(this.group.server.streamKeys(STREAM)).containsExactly("k1", "k2", "k3", "k4");
		assertThat(this.group.gaps).isEmpty();
	}

	@Test
	void aForwarderThatStalledPastItsLeaseWritesNothingItsSuccessorReplays() {
		Instance a = this.group.listening("a");
		Instance b = this.group.listening("b");
		a.forwarder.tick();
		both(a, b, "k1"); // a stalls before writing it
		this.group.clock().advance(1_100);
		b.forwarder.tick();
		b.forward();

		a.forward(); // wakes up: fenced, its copy is dropped
		a.read("k2");

		assertThat(this.group.server.streamKeys(STREAM)).containsExactly("k1");
		assertThat(a.counters.snapshot().notForwarded()).as("k1 dropped, k2 kept for a takeover").isEqualTo(2);
	}

	@Test
	void theNoteMovesOnOnlyOnceTheLanesPassedACheckpointAndWhatTheyQueuedWasWritten() {
		Instance a = this.group.listening("a");
		a.forwarder.tick(); // takes the lease, and a checkpoint
		long listened = a.forwarder.forwardedUntil().get(TAG);
		long checkpointAt = this.group.clock().millis();
		a.read("k1");

		this.group.clock().advance(400);
		a.forwarder.tick();
		assertThat(this.group.server.note(TAG)).as("the lanes have not passed").isEqualTo(listened);

		a.lanes.catchUp();
		this.group.clock().advance(400);
		a.forwarder.tick();
		assertThat(this.group.server.note(TAG)).as("k1 is not written yet").isEqualTo(listened);

		a.forward();
		this.group.clock().advance(400);
		a.forwarder.tick();
		assertThat(this.group.server.note(TAG)).isGreaterThanOrEqualTo(checkpointAt);
	}

	@Test
	void aTakeoverReplaysFromAMarginBeforeTheNoteAndMatchesWhatTheStreamHolds() {
		Instance a = this.group.listening("a");
		Instance b = this.group.listening("b");
		this.group.clock().advance(3_000);
		a.forwarder.tick();
		passCheckpoint(a);
		b.forwarder.tick();
		long note = this.group.server.note(TAG);
		// b read these 1.5 s and 0.5 s before a's note; a wrote neither (it fell behind).
		this.group.clock().advance(-1_500);
		b.read("early");
		this.group.clock().advance(1_000);
		b.read("late");
		this.group.clock().advance(500);
		assertThat(this.group.clock().millis()).isEqualTo(note);

		this.group.clock().advance(1_100);
		b.forwarder.tick();
		b.forward();

		// "early" is outside the replay window (a margin before the note): a forwarder that
		// noted that time had written it, by its own clock.
		assertThat(this.group.server.streamKeys(STREAM)).containsExactly("late");
	}

	@Test
	void whatRedisLostInAFailoverTheHolderWritesAgainAtItsNextAppend() {
		Instance a = this.group.listening("a");
		a.forwarder.tick();
		a.read("k1");
		a.forward();
		passCheckpoint(a);
		long replicated = this.group.server.note(TAG);
		this.group.clock().advance(400);
		a.read("k2", "k3"); // appended to the old master after the replica's promotion
		a.forward();
		passCheckpoint(a);
		passCheckpoint(a); // the note follows one checkpoint behind
		assertThat(this.group.server.note(TAG)).isGreaterThan(replicated);

		this.group.server.loseWritesAfter(replicated);
		this.group.clock().advance(400);
		a.forwarder.tick();
		a.read("k4"); // the next append finds the stream's newest entry is not k3
		a.forward();

		assertThat(this.group.server.streamKeys(STREAM)).containsExactly("k1", "k2", "k3", "k4");
		assertThat(this.group.gaps).isEmpty();
		this.group.clock().advance(400);
		passCheckpoint(a);
		passCheckpoint(a);
		assertThat(this.group.server.note(TAG)).as("moves on again").isGreaterThan(replicated);
	}

	@Test
	void entriesRedisLostBetweenTwoNotesAreWrittenAgainToo() {
		Instance a = this.group.listening("a");
		a.forwarder.tick();
		passCheckpoint(a);
		long noted = this.group.server.note(TAG);
		this.group.clock().advance(200);
		a.read("k1", "k2");
		a.forward();
		// A failover to a replica that had everything but k1 and k2; no renewal came between.
		this.group.server.loseWritesAfter(noted);
		this.group.clock().advance(100);
		a.read("k3");

		a.forward();

		assertThat(this.group.server.streamKeys(STREAM)).containsExactly("k1", "k2", "k3");
		assertThat(this.group.gaps).isEmpty();
	}

	@Test
	void whatRedisLostGoesAgainWhenTheStreamCannotBeReadToMatchAgainst() {
		Instance a = this.group.listening("a");
		a.forwarder.tick();
		passCheckpoint(a);
		long noted = this.group.server.note(TAG);
		this.group.clock().advance(200);
		a.read("k1", "k2");
		a.forward();
		this.group.server.loseWritesAfter(noted);
		this.group.server.unreadable(true);
		a.read("k3");

		a.forward(); // finds the loss, cannot match against the stream: keeps everything for writing

		this.group.server.unreadable(false);
		a.forward();
		assertThat(this.group.server.streamKeys(STREAM)).containsExactly("k1", "k2", "k3");
	}

	@Test
	void whatRedisLostBeyondWhatTheHolderKeptIsAStreamLostGap() {
		GroupFixture small = new GroupFixture(GroupFixture.SETTINGS.withMaxLength(2)); // keeps two reads
		Instance a = small.listening("a");
		a.forwarder.tick();
		passCheckpoint(a);
		long replicated = small.server.note(TAG);
		small.clock().advance(400);
		a.read("k1", "k2", "k3");
		a.forward();
		passCheckpoint(a);
		passCheckpoint(a);

		small.server.loseWritesAfter(replicated);
		small.clock().advance(400);
		a.read("k4");
		a.forward();

		assertThat(small.server.streamKeys(STREAM)).containsExactly("k3", "k4");
		assertThat(small.gaps).singleElement().satisfies((gap) -> assertThat(gap.cause()).isEqualTo(GapCause.STREAM_LOST));
	}

	@Test
	void aWindowNoInstanceWatchedIsReportedWhenTheNextInstanceTakesOver() {
		Instance a = this.group.listening("a");
		a.forwarder.tick();
		passCheckpoint(a);
		long note = this.group.server.note(TAG);
		this.group.clock().advance(5_000); // a is gone, nobody listens

		Instance b = this.group.listening("b");
		b.forwarder.tick();

		assertThat(this.group.gaps(GapCause.NO_FORWARDER)).singleElement().satisfies((gap) -> {
			assertThat(gap.start().toEpochMilli()).isEqualTo(note);
			assertThat(gap.end().toEpochMilli()).isEqualTo(this.group.clock().millis());
			assertThat(gap.node()).isEqualTo(GroupFixture.NODE);
		});
	}

	@Test
	void aNoteRedisLostIsNotTakenForASourceNeverForwarded() {
		Instance a = this.group.listening("a");
		Instance b = this.group.listening("b");
		a.forwarder.tick();
		both(a, b, "k1", "k2");
		a.forward();
		passCheckpoint(a);
		b.forwarder.tick(); // b sees a's note
		this.group.clock().advance(100);
		b.read("before-restart");

		this.group.server.restartEmpty();
		this.group.clock().advance(50);
		b.lastInterruption = this.group.clock().millis(); // b's subscription dropped with the restart
		this.group.clock().advance(50);
		b.read("after-restart");
		b.forwarder.tick(); // the lease is free again

		b.forward();
		assertThat(b.leads()).isTrue();
		assertThat(this.group.server.streamKeys(STREAM))
			.as("what b read before the restart was a's to forward: not replayed into the new stream")
			.containsExactly("after-restart");
		assertThat(this.group.gaps(GapCause.NO_FORWARDER)).isEmpty();
	}

	/**
	 * A forwarder writes its first note at its first renewal, a third of the lease after it took
	 * it; one that dies before may have forwarded nothing, whenever it took the lease. So the
	 * takeover replays everything kept since this instance listened, not only since it first
	 * saw the lease held.
	 */
	@Test
	void aForwarderThatDiesBeforeItsFirstNoteIsReplayedFromWhenTheOtherStartedListening() {
		GroupFixture longLease = new GroupFixture(GroupFixture.SETTINGS.withLeaseTime(Duration.ofSeconds(10)));
		Instance b = longLease.instance("b");
		b.forwarder.listening();
		Instance a = longLease.instance("a");
		a.forwarder.listening();
		a.forwarder.tick(); // takes the lease; dies before its first renewal noted anything
		longLease.clock().advance(100);
		both(a, b, "early");
		longLease.clock().advance(2_400);
		b.forwarder.tick(); // sees the lease held, without a note
		both(a, b, "late");

		longLease.clock().advance(10_000);
		b.forwarder.tick();
		b.forward();

		assertThat(longLease.server.streamKeys(STREAM)).containsExactly("early", "late");
		assertThat(longLease.gaps).isEmpty();
	}

	@Test
	void aStreamLostUnderTheForwarderIsRecreatedWithItsGroupAndReportedOnce() {
		Instance a = this.group.listening("a");
		Instance b = this.group.listening("b");
		a.forwarder.tick();
		a.read("k1");
		a.forward();
		a.watch.check(STREAM);
		b.watch.check(STREAM);
		this.group.server.delete(STREAM);

		a.read("k2");
		a.forward(); // finds the stream missing, recreates it, writes again
		b.recovery.ensure(STREAM, GroupFixture.NODE); // b's reader finds it too: the group exists

		assertThat(this.group.server.streamKeys(STREAM)).containsExactly("k2");
		assertThat(this.group.server.hasGroup(STREAM)).isTrue();
		assertThat(this.group.gaps(GapCause.STREAM_LOST)).singleElement()
			.satisfies((gap) -> assertThat(gap.node()).isEqualTo(GroupFixture.NODE));
	}

	@Test
	void aCleanHandOverNotesTheMomentItStoppedSoTheNextReplaysNothing() {
		Instance a = this.group.listening("a");
		Instance b = this.group.listening("b");
		a.lanes.keepUp();
		a.forwarder.tick();
		a.forwarder.start(); // the forwarding thread: close() hands over from it
		both(a, b, "k1", "k2");
		this.group.clock().advance(500); // within the lease
		long closedAt = this.group.clock().millis();
		a.forwarder.close();

		assertThat(this.group.server.leaseHolder(TAG)).as("released at once").isNull();
		assertThat(this.group.server.note(TAG)).isEqualTo(closedAt);
		b.forwarder.tick();
		b.forward();
		assertThat(this.group.server.streamKeys(STREAM)).containsExactly("k1", "k2");
	}

	/** Lets a checkpoint of the holder's lanes pass and renews, so its note moves on to now. */
	private void passCheckpoint(Instance holder) {
		holder.forwarder.tick(); // a fresh checkpoint
		holder.lanes.catchUp();
		holder.forward();
		holder.forwarder.tick(); // it passed: noted at this renewal
	}

	private static void both(Instance a, Instance b, String... keys) {
		a.read(keys);
		b.read(keys);
	}

}
