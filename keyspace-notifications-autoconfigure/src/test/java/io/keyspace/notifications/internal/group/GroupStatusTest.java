package io.keyspace.notifications.internal.group;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.keyspace.notifications.GroupStatus;
import io.keyspace.notifications.internal.group.GroupFixture.Instance;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.resps.StreamEntry;

import static io.keyspace.notifications.internal.group.GroupFixture.KEYS;
import static io.keyspace.notifications.internal.group.GroupFixture.NODE;
import static io.keyspace.notifications.internal.group.GroupFixture.SETTINGS;
import static io.keyspace.notifications.internal.group.GroupFixture.STREAM;
import static io.keyspace.notifications.internal.group.GroupFixture.notification;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A group's status on fake time: the lease holder leads the node and tells when it last
 * forwarded, another instance leads nothing; pending and dead-lettered entries are those of
 * every member over every stream of the group; and a Redis that does not answer gives a status
 * that says so, with what the instance knows itself, instead of an exception.
 */
class GroupStatusTest {

	private final GroupFixture group = new GroupFixture();

	@Test
	void theLeaseHolderLeadsTheNodeAndTellsWhenItLastForwarded() {
		Instance a = this.group.listening("a");
		Instance b = this.group.listening("b");
		a.forwarder.tick();
		b.forwarder.tick();
		assertThat(status(a).sourcesLed()).containsExactly(NODE);
		assertThat(status(a).lastForward()).as("nothing written yet").isNull();

		this.group.clock().advance(50);
		a.read("k1");
		b.read("k1");
		a.forward();

		assertThat(status(a).lastForward()).isEqualTo(this.group.clock().instant());
		assertThat(status(b).sourcesLed()).as("another instance forwards the node").isEmpty();
		assertThat(status(b).lastForward()).isNull();
	}

	@Test
	void pendingAndDeadLetteredCountEveryMembersEntriesOverEveryStreamOfTheGroup() {
		Instance a = this.group.listening("a");
		Instance b = this.group.listening("b");
		a.forwarder.tick();
		for (String key : List.of("k1", "k2", "k3")) { // an entry each
			a.read(key);
			a.forward();
		}
		String second = secondStream(b, "k4"); // as a cluster's second shard has
		assertThat(status(a).pending()).as("nothing delivered yet").isZero();

		List<StreamEntry> takenByA = a.redis.read(STREAM, null, 2, 0);
		b.redis.read(second, null, 10, 0);

		assertThat(status(a).pending()).isEqualTo(3);
		assertThat(status(b).pending()).as("the same for every instance").isEqualTo(3);
		a.redis.ack(STREAM, takenByA.stream().map(StreamEntry::getID).toList());
		assertThat(status(b).pending()).isEqualTo(1);

		b.redis.deadLetter(Map.of("stream", second, "id", "1-0", "deliveries", "3"));
		assertThat(status(a).deadLettered()).isEqualTo(1);
		assertThat(status(a).error()).isNull();
	}

	@Test
	void aRedisThatDoesNotAnswerGivesAStatusThatSaysSoWithoutAnyKeyName() throws IOException {
		Instance a = this.group.listening("a");
		a.forwarder.tick();
		a.read("k1");
		a.forward();
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		try (RedisClient nowhere = RedisClient.create("127.0.0.1", closedPort)) {
			GroupStatus status = a.running(new JedisGroupRedis(nowhere, KEYS, SETTINGS)).status();

			assertThat(status.pending()).isEqualTo(GroupStatus.UNKNOWN);
			assertThat(status.deadLettered()).isEqualTo(GroupStatus.UNKNOWN);
			assertThat(status.error()).startsWith("JedisConnectionException").doesNotContain(KEYS.prefix());
			assertThat(status.sourcesLed()).as("what the instance knows itself").containsExactly(NODE);
			assertThat(status.lastForward()).isNotNull();
		}
	}

	private static GroupStatus status(Instance instance) {
		return instance.running(instance.redis).status();
	}

	/** Another stream of the group with one entry, written under its own lease. */
	private static String secondStream(Instance forwarder, String key) {
		String stream = KEYS.stream("1");
		forwarder.redis.createGroup(stream);
		forwarder.redis.register(stream);
		forwarder.redis.acquireLease("1");
		forwarder.redis.append(new ArrayList<>(List.of(new Forward("1", notification(key)))));
		return stream;
	}

}
