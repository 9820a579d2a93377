package io.keyspace.notifications.testing;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisConnectionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

class RedisServerIT {

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.withConfig("notify-keyspace-events", "KEA");

	@Test
	void startsOnALoopbackPortAndAnswersPing() {
		RedisServer server = redis.server();

		assertThat(server.isRunning()).isTrue();
		assertThat(server.hostAndPort()).isEqualTo("127.0.0.1:" + server.port());
		try (Jedis jedis = server.jedis()) {
			assertThat(jedis.ping()).isEqualTo("PONG");
			assertThat(jedis.configGet("bind")).containsEntry("bind", "127.0.0.1");
		}
	}

	@Test
	void appliesConfigAndTheNoPersistenceDefaults() {
		try (Jedis jedis = redis.server().jedis()) {
			// Redis normalises the flags: KEA comes back as AKE.
			char[] flags = jedis.configGet("notify-keyspace-events").get("notify-keyspace-events").toCharArray();
			java.util.Arrays.sort(flags);
			assertThat(new String(flags)).isEqualTo("AEK");
			assertThat(jedis.configGet("save")).containsEntry("save", "");
			assertThat(jedis.configGet("appendonly")).containsEntry("appendonly", "no");
			assertThat(jedis.configGet("dir").get("dir")).isEqualTo(redis.server().dir().toRealPath().toString());
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	@Test
	void deliversKeyspaceNotifications() throws InterruptedException {
		List<String> received = new CopyOnWriteArrayList<>();
		JedisPubSub listener = new JedisPubSub() {
			@Override
			public void onPMessage(String pattern, String channel, String message) {
				received.add(channel + " " + message);
			}
		};
		Thread reader = new Thread(() -> {
			try (Jedis jedis = redis.server().jedis()) {
				jedis.psubscribe(listener, "__keyspace@0__:*");
			}
		});
		reader.start();
		try (Jedis jedis = redis.server().jedis()) {
			await().atMost(Duration.ofSeconds(5)).until(() -> {
				jedis.set("note", "1");
				return received.contains("__keyspace@0__:note set");
			});
		}
		finally {
			listener.punsubscribe();
			reader.join(5000);
		}
	}

	@Test
	void flushAllEmptiesTheServer() {
		try (Jedis jedis = redis.server().jedis()) {
			jedis.set("a", "1");
			redis.flushAll();
			assertThat(jedis.dbSize()).isZero();
		}
	}

	@Test
	void restartsOnTheSamePortAfterKill() {
		try (RedisServer server = RedisServer.builder().start()) {
			int port = server.port();
			try (Jedis jedis = server.jedis()) {
				jedis.set("k", "v");
			}

			server.kill();
			assertThat(server.isRunning()).isFalse();
			assertThatExceptionOfType(JedisConnectionException.class).isThrownBy(() -> {
				try (Jedis jedis = server.jedis()) {
					jedis.ping();
				}
			});

			server.start();
			assertThat(server.port()).isEqualTo(port);
			try (Jedis jedis = server.jedis()) {
				assertThat(jedis.ping()).isEqualTo("PONG");
				// save "" and appendonly no: a restarted server starts empty.
				assertThat(jedis.get("k")).isNull();
			}
		}
	}

	@Test
	void stopShutsDownGracefullyAndCloseDeletesTheDirectory() {
		RedisServer server = RedisServer.builder().start();
		server.stop();
		assertThat(server.isRunning()).isFalse();
		assertThat(server.logTail(5)).contains("ready to exit");

		server.close();
		assertThat(server.dir()).doesNotExist();
		assertThatIllegalStateException().isThrownBy(server::start).withMessageContaining("closed");
	}

	@Test
	void runsTheEmbeddedStaticBinary() {
		java.nio.file.Path embedded = RedisBinary.find(null, null, getClass().getClassLoader());
		try (RedisServer server = RedisServer.builder().binary(embedded).start(); Jedis jedis = server.jedis()) {
			assertThat(jedis.info("server")).contains("redis_version:" + RedisBinary.EMBEDDED_VERSION);
		}
	}

	@Test
	void runsAsSentinelAlsoWithTheEmbeddedBinaryAndKeepsItsStateAcrossARestart() {
		java.nio.file.Path embedded = RedisBinary.find(null, null, getClass().getClassLoader());
		RedisServer.Builder builder = RedisServer.builder()
			.binary(embedded)
			.sentinel()
			.addConfig("sentinel", "monitor", "nowhere", RedisServer.HOST, "1", "1")
			.addConfig("sentinel", "down-after-milliseconds", "nowhere", "1000");
		try (RedisServer sentinel = builder.start()) {
			String id;
			try (Jedis jedis = sentinel.jedis()) {
				assertThat(jedis.info("server")).contains("redis_mode:sentinel");
				assertThat(jedis.sentinelMaster("nowhere")).containsEntry("down-after-milliseconds", "1000");
				id = jedis.sentinelMyId();
			}

			sentinel.kill();
			sentinel.start();

			// The config file Sentinel rewrote is reused, not written afresh: same id, same master.
			try (Jedis jedis = sentinel.jedis()) {
				assertThat(jedis.sentinelMyId()).isEqualTo(id);
				assertThat(jedis.sentinelMaster("nowhere")).containsEntry("port", "1");
			}
		}
	}

	@Test
	void reportsTheLogTailWhenStartupFails() {
		assertThatIllegalStateException()
			.isThrownBy(() -> RedisServer.builder().config("no-such-directive", "1").start())
			.withMessageContaining("exited with code")
			.withMessageContaining("no-such-directive");
	}

	@Test
	void addConfigKeepsRepeatedDirectivesWhileConfigReplaces() {
		RedisServer.Builder builder = RedisServer.builder()
			.addConfig("client-output-buffer-limit", "pubsub", "64mb", "16mb", "90")
			.addConfig("client-output-buffer-limit", "replica", "300mb", "70mb", "50")
			.config("maxmemory-policy", "allkeys-lru")
			.config("maxmemory-policy", "volatile-ttl");
		try (RedisServer server = builder.start(); Jedis jedis = server.jedis()) {
			assertThat(jedis.configGet("client-output-buffer-limit").get("client-output-buffer-limit"))
				.contains("pubsub 67108864 16777216 90", "slave 314572800 73400320 50");
			assertThat(jedis.configGet("maxmemory-policy")).containsEntry("maxmemory-policy", "volatile-ttl");
		}
	}

	@Test
	void rejectsSentinelDirectivesOutsideSentinelMode() {
		assertThatIllegalStateException()
			.isThrownBy(() -> RedisServer.builder().addConfig("sentinel", "monitor", "m", "127.0.0.1", "6379", "1").build())
			.withMessageContaining("sentinel()");
	}

	@Test
	void rejectsDirectivesItManages() {
		assertThatIllegalArgumentException().isThrownBy(() -> RedisServer.builder().config("port", "6379"))
			.withMessageContaining("port(int)");
	}

}
