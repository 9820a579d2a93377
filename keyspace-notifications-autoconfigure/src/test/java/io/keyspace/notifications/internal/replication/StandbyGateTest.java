package io.keyspace.notifications.internal.replication;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.keyspace.notifications.GapCause;
import io.keyspace.notifications.NotificationGap;
import io.keyspace.notifications.RedisNode;
import io.keyspace.notifications.internal.reader.MessageListener;
import io.keyspace.notifications.internal.reader.NodeListener;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What a standby holds, drops, hands on and delivers, driven as its reader thread would. */
class StandbyGateTest {

	private static final RedisNode NODE = new RedisNode("10.0.0.2", 6379);

	private static final String REPLICA_INFO = "# Replication\r\nrole:slave\r\nmaster_host:10.0.0.1\r\nmaster_replid:aaa\r\n";

	private final List<String> delivered = new ArrayList<>();

	private final List<NotificationGap> gaps = new ArrayList<>();

	private final MessageListener router = (node, pattern, channel, message) -> this.delivered
		.add(new String(message, StandardCharsets.UTF_8));

	private final StandbyGate gate = new StandbyGate(NODE, this.router, NodeListener.NONE, this.gaps::add,
			() -> Set.of("__keyspace@0__:*"), 3);

	@Test
	void holdsWhatAReplicaPublishesAndHandsItOnInOrderOncePromoted() {
		read("a", "b");
		assertThat(this.delivered).isEmpty();

		this.gate.requestPromotion();
		this.gate.endOfBurst();
		read("c");

		assertThat(this.gate.isPromoted()).isTrue();
		assertThat(this.delivered).containsExactly("a", "b", "c");
		assertThat(this.gaps).isEmpty();
	}

	@Test
	void dropsWhatWasReadBeforeALookThatFoundTheSameReplica() {
		this.gate.replicaAt(System.nanoTime(), "aaa");
		read("duplicate-1", "duplicate-2");
		this.gate.replicaAt(System.nanoTime(), "aaa");
		read("after-the-look");

		this.gate.requestPromotion();
		this.gate.endOfBurst();

		assertThat(this.delivered).containsExactly("after-the-look");
	}

	@Test
	void handsOnWhatWasReadBeforeALookThatFoundTheHistoryChanged() {
		this.gate.replicaAt(System.nanoTime(), "aaa");
		read("maybe-its-own-1", "maybe-its-own-2");
		// Promoted and demoted again between two looks: a new replication id.
		this.gate.replicaAt(System.nanoTime(), "bbb");
		read("held");

		assertThat(this.delivered).containsExactly("maybe-its-own-1", "maybe-its-own-2");
		assertThat(this.gate.isPromoted()).isFalse();
	}

	@Test
	void aConnectionThatFindsTheMasterPromotesAtOnceAndReportsTheTimeItWasClosed() {
		this.gate.onReplicationInfo(NODE, REPLICA_INFO);
		read("duplicate");
		Instant lastHeard = Instant.now();
		this.gate.onDisconnected(NODE, new IllegalStateException("killed by the promotion"), true, lastHeard);

		this.gate.onReplicationInfo(NODE, "# Replication\r\nrole:master\r\nmaster_replid:ccc\r\n");
		this.gate.onSubscriptionsConfirmed(NODE);
		read("own");

		assertThat(this.delivered).containsExactly("duplicate", "own");
		assertThat(this.gaps).singleElement().satisfies((gap) -> {
			assertThat(gap.node()).isEqualTo("10.0.0.2:6379");
			assertThat(gap.cause()).isEqualTo(GapCause.FAILOVER);
			assertThat(gap.start()).isEqualTo(lastHeard);
			assertThat(gap.channels()).containsExactly("__keyspace@0__:*");
		});
	}

	@Test
	void aReplicaThatReconnectsLosesNothingWorthAGap() {
		this.gate.onDisconnected(NODE, new IllegalStateException("network"), true, Instant.now());
		this.gate.onReplicationInfo(NODE, REPLICA_INFO);
		this.gate.onSubscriptionsConfirmed(NODE);

		assertThat(this.gaps).isEmpty();
		assertThat(this.gate.isPromoted()).isFalse();
	}

	@Test
	void whatHadNoRoomIsReportedAsAGapWhenItIsHandedOn() {
		read("1", "2", "3", "4", "5");

		this.gate.requestPromotion();
		this.gate.endOfBurst();

		assertThat(this.delivered).containsExactly("3", "4", "5");
		assertThat(this.gaps).singleElement().satisfies((gap) -> {
			assertThat(gap.cause()).isEqualTo(GapCause.FAILOVER);
			assertThat(gap.start()).isBeforeOrEqualTo(gap.end());
		});
	}

	@Test
	void whatHadNoRoomButTurnedOutDuplicatesIsNoGap() {
		read("1", "2", "3", "4", "5");
		this.gate.replicaAt(System.nanoTime(), "aaa");
		read("6");

		this.gate.requestPromotion();
		this.gate.endOfBurst();

		assertThat(this.delivered).containsExactly("6");
		assertThat(this.gaps).isEmpty();
	}

	private void read(String... messages) {
		for (String message : messages) {
			this.gate.onMessage(NODE.toString(), null, "__keyspace@0__:k".getBytes(StandardCharsets.UTF_8),
					message.getBytes(StandardCharsets.UTF_8));
		}
		this.gate.endOfBurst();
	}

}
