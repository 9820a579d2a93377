package io.keyspace.notifications.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisConnectionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/** One Sentinel setup for the class; ordered because later tests change its roles and the last closes it. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalSentinelSetupIT {

	@RegisterExtension
	static final RedisSentinelExtension redis = RedisSentinelExtension.create();

	@Test
	@Order(1)
	void sentinelsReportTheMasterTheReplicaAndEachOther() throws IOException {
		LocalSentinelSetup setup = redis.setup();
		RedisServer master = setup.master();
		RedisServer replica = setup.replica();

		assertThat(setup.masterName()).isEqualTo("mymaster");
		assertThat(setup.dataNodes()).containsExactly(master, replica);
		assertThat(setup.sentinels()).hasSize(3).allMatch(RedisServer::isSentinel);
		assertThat(setup.sentinelAddresses()).hasSize(3).doesNotHaveDuplicates().allMatch((a) -> a.startsWith("127.0.0.1:"));
		for (RedisServer sentinel : setup.sentinels()) {
			try (Jedis jedis = sentinel.jedis()) {
				assertThat(jedis.sentinelGetMasterAddrByName("mymaster")).containsExactly("127.0.0.1",
						String.valueOf(master.port()));
				assertThat(jedis.sentinelMaster("mymaster")).containsEntry("quorum", "2")
					.containsEntry("down-after-milliseconds", "1000")
					.containsEntry("failover-timeout", "3000")
					.containsEntry("parallel-syncs", "1");
				assertThat(jedis.sentinelReplicas("mymaster")).extracting((entry) -> entry.get("port"))
					.containsExactly(String.valueOf(replica.port()));
				assertThat(jedis.sentinelSentinels("mymaster")).hasSize(2)
					.allSatisfy((peer) -> assertThat(peer).containsEntry("ip", "127.0.0.1"))
					.extracting((peer) -> peer.get("port"))
					.doesNotContain(String.valueOf(sentinel.port()));
			}
			// Sentinel records its id and state in its config file: proof that the file is writable.
			assertThat(Files.readString(sentinel.configFile())).contains("sentinel myid ");
		}
		for (RedisServer node : setup.dataNodes()) {
			try (Jedis jedis = node.jedis()) {
				char[] flags = jedis.configGet("notify-keyspace-events").get("notify-keyspace-events").toCharArray();
				Arrays.sort(flags);
				assertThat(new String(flags)).isEqualTo("AEK");
			}
		}
	}

	@Test
	@Order(2)
	void writesOnTheMasterReachTheReplica() {
		LocalSentinelSetup setup = redis.setup();
		try (Jedis master = setup.master().jedis(); Jedis replica = setup.replica().jedis()) {
			master.set("greeting", "hello");

			await().atMost(Duration.ofSeconds(5)).until(() -> "hello".equals(replica.get("greeting")));
		}
	}

	@Test
	@Order(3)
	void failoverSwapsTheRolesAndSentinelsPublishSwitchMaster() throws InterruptedException {
		LocalSentinelSetup setup = redis.setup();
		RedisServer oldMaster = setup.master();
		RedisServer oldReplica = setup.replica();
		List<String> switches = new CopyOnWriteArrayList<>();
		CountDownLatch subscribed = new CountDownLatch(1);
		JedisPubSub listener = new JedisPubSub() {
			@Override
			public void onSubscribe(String channel, int subscribedChannels) {
				subscribed.countDown();
			}

			@Override
			public void onMessage(String channel, String message) {
				switches.add(message);
			}
		};
		Thread reader = new Thread(() -> {
			try (Jedis jedis = setup.sentinels().get(1).jedis()) {
				jedis.subscribe(listener, "+switch-master");
			}
		}, "switch-master-subscriber");
		reader.start();
		try {
			assertThat(subscribed.await(5, TimeUnit.SECONDS)).as("subscribed to +switch-master").isTrue();

			RedisServer newMaster = setup.failover();

			assertThat(newMaster).isSameAs(oldReplica);
			assertThat(setup.master()).isSameAs(oldReplica);
			assertThat(setup.replica()).isSameAs(oldMaster);
			// <name> <old ip> <old port> <new ip> <new port>
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(switches).containsExactly(
					"mymaster 127.0.0.1 " + oldMaster.port() + " 127.0.0.1 " + newMaster.port()));
			try (Jedis jedis = newMaster.jedis()) {
				assertThat(jedis.get("greeting")).isEqualTo("hello");
				assertThat(jedis.role().get(0)).isEqualTo("master");
			}
			try (Jedis jedis = oldMaster.jedis()) {
				assertThat(jedis.role().get(0)).isEqualTo("slave");
			}
		}
		finally {
			if (listener.isSubscribed()) {
				listener.unsubscribe();
			}
			reader.join(5000);
		}
	}

	@Test
	@Order(4)
	void killingTheMasterPromotesTheReplicaAndTheKilledNodeComesBackAsReplica() {
		LocalSentinelSetup setup = redis.setup();
		RedisServer master = setup.master();
		RedisServer replica = setup.replica();
		try (Jedis jedis = master.jedis()) {
			jedis.set("survivor", "yes");
			// Replication is asynchronous: make sure the replica has the key before the kill.
			assertThat(jedis.waitReplicas(1, 5000)).isEqualTo(1);
		}

		RedisServer killed = setup.killMaster();
		// Sentinels see the master down after down-after, agree (quorum), elect a leader and promote:
		// about 2 s here. Twice the failover timeout because a split vote is retried only after that.
		setup.awaitMaster(replica, setup.downAfter().plus(setup.failoverTimeout().multipliedBy(2)).plusSeconds(3));

		assertThat(killed).isSameAs(master);
		assertThat(killed.isRunning()).isFalse();
		assertThat(setup.master()).isSameAs(replica);
		try (Jedis jedis = replica.jedis()) {
			assertThat(jedis.get("survivor")).isEqualTo("yes");
		}

		setup.restart(killed);

		assertThat(setup.master()).isSameAs(replica);
		assertThat(setup.replica()).isSameAs(killed);
		try (Jedis jedis = killed.jedis()) {
			assertThat(jedis.role().get(0)).isEqualTo("slave");
			assertThat(jedis.get("survivor")).isEqualTo("yes");
		}
	}

	@Test
	@Order(5)
	void closeKillsEveryProcessAndDeletesTheDirectories() {
		LocalSentinelSetup setup = redis.setup();
		List<RedisServer> servers = new ArrayList<>(setup.dataNodes());
		servers.addAll(setup.sentinels());
		Map<RedisServer, Long> pids = new LinkedHashMap<>();
		servers.forEach((server) -> pids.put(server, server.pid().orElseThrow()));

		setup.close();

		pids.forEach((server, pid) -> {
			assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("process of %s", server)
				.isNotEqualTo(Optional.of(true));
			assertThat(server.isRunning()).isFalse();
			assertThat(server.dir()).doesNotExist();
			assertThatExceptionOfType(JedisConnectionException.class).isThrownBy(() -> {
				try (Jedis jedis = new Jedis(server.host(), server.port(), 500)) {
					jedis.ping();
				}
			});
		});
	}

}
