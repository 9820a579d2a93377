package io.keyspace.notifications.internal.group;

import java.util.Set;

import io.keyspace.notifications.GapCause;
import io.keyspace.notifications.NotificationGap;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.StreamEntryID;

import static org.assertj.core.api.Assertions.assertThat;

/** The window a lost stream cost, from the last look at it (pure). */
class StreamRecoveryTest {

	private static final Set<String> CHANNELS = Set.of("__keyspace@0__:*");

	@Test
	void everythingHandledWhenSeenLosesOnlyWhatCameAfterTheLook() {
		StreamState state = state(id(100), id(300), new StreamState.GroupState(id(300), 3L, 0, null));

		NotificationGap gap = StreamRecovery.lossGap(new StreamWatch.Seen(state, 400), 0, "n:1", 900, CHANNELS);

		assertThat(gap.cause()).isEqualTo(GapCause.STREAM_LOST);
		assertThat(gap.start().toEpochMilli()).isEqualTo(400);
		assertThat(gap.end().toEpochMilli()).isEqualTo(900);
		assertThat(gap.node()).isEqualTo("n:1");
		assertThat(gap.dropped()).as("unknown").isZero();
	}

	@Test
	void entriesNotYetDeliveredWhenSeenStartTheWindow() {
		StreamState state = state(id(100), id(300), new StreamState.GroupState(id(200), 2L, 0, null));

		assertThat(StreamRecovery.lossGap(new StreamWatch.Seen(state, 400), 0, "n:1", 900, CHANNELS).start().toEpochMilli())
			.isEqualTo(200);
	}

	@Test
	void aGroupThatNeverReadStartsAtTheFirstEntryNotAtTheEpoch() {
		StreamState state = state(id(100), id(300), new StreamState.GroupState(new StreamEntryID(), null, 0, null));

		assertThat(StreamRecovery.lossGap(new StreamWatch.Seen(state, 400), 0, "n:1", 900, CHANNELS).start().toEpochMilli())
			.isEqualTo(100);
	}

	@Test
	void theOldestPendingEntryStartsTheWindow() {
		StreamState state = state(id(100), id(300), new StreamState.GroupState(id(300), 3L, 2, id(150)));

		assertThat(StreamRecovery.lossGap(new StreamWatch.Seen(state, 400), 0, "n:1", 900, CHANNELS).start().toEpochMilli())
			.isEqualTo(150);
	}

	@Test
	void aForwarderThatLaggedBehindTheLookStartsTheWindowAtItsNote() {
		StreamState state = state(id(100), id(300), new StreamState.GroupState(id(300), 3L, 0, null));

		assertThat(StreamRecovery.lossGap(new StreamWatch.Seen(state, 400), 250, "n:1", 900, CHANNELS).start()
			.toEpochMilli()).isEqualTo(250);
	}

	private static StreamState state(StreamEntryID first, StreamEntryID last, StreamState.GroupState group) {
		return new StreamState(first, null, last, 3, 3L, group);
	}

	private static StreamEntryID id(long millis) {
		return new StreamEntryID(millis, 0);
	}

}
