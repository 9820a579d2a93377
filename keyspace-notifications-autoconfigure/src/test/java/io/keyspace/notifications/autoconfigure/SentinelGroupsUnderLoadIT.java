package io.keyspace.notifications.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import io.keyspace.notifications.KeyspaceNotifications;
import io.keyspace.notifications.SentinelKeyspaceNotifications;
import io.keyspace.notifications.autoconfigure.PromotionUnderLoad.Recorder;
import io.keyspace.notifications.testing.LocalSentinelSetup;
import io.keyspace.notifications.testing.MasterFollowingWriter;
import io.keyspace.notifications.testing.RedisSentinelExtension;
import io.keyspace.notifications.testing.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.awaitility.Awaitility.await;

/**
 * A group handler on a Sentinel setup while about 1,500 SET/s of distinct keys go to the master
 * the sentinels name, and {@code SENTINEL FAILOVER} promotes the replica: every write the new
 * master acknowledged once its subscription was confirmed is handled by the group, and every
 * other write a master acknowledged is handled at least once or falls in a gap the application was
 * told about for that node and time (the failover's {@code FAILOVER} gap). The numbers of each
 * phase go to the test's output.
 */
class SentinelGroupsUnderLoadIT {

	@RegisterExtension
	static final RedisSentinelExtension redis = RedisSentinelExtension.create();

	@Test
	void everyAcknowledgedWriteIsHandledOrInAReportedGapAcrossAFailoverUnderLoad() throws Exception {
		LocalSentinelSetup setup = redis.setup();
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(GroupApplication.class)
			.web(WebApplicationType.NONE)
			.run("--spring.data.redis.sentinel.master=" + setup.masterName(),
					"--spring.data.redis.sentinel.nodes=" + String.join(",", setup.sentinelAddresses()),
					"--keyspace-notifications.groups.lease-time=2s",
					"--keyspace-notifications.groups.claim-timeout=5s")) {
			Recorder recorder = context.getBean(Recorder.class);
			SentinelKeyspaceNotifications notifications = (SentinelKeyspaceNotifications) context
				.getBean(KeyspaceNotifications.class);
			RedisServer oldMaster = setup.master();
			RedisServer newMaster = setup.replica();
			// The group forwards before the load starts: what it handles from then on is under test.
			await().atMost(Duration.ofSeconds(20)).until(() -> {
				try (Jedis jedis = oldMaster.jedis()) {
					jedis.set(PromotionUnderLoad.KEYS + "warm-up", "v");
				}
				return recorder.handled(PromotionUnderLoad.KEYS + "warm-up");
			});

			try (SentinelMaster master = new SentinelMaster(setup);
					MasterFollowingWriter writer = new MasterFollowingWriter(PromotionUnderLoad.KEYS, 1_500, master, 10)) {
				PromotionUnderLoad.promoteUnderLoad("Failover to", writer, recorder, notifications::serverSubscriptions,
						oldMaster, newMaster, setup::failover, setup::master);
			}
		}
	}

	/**
	 * The master as the sentinels name it ({@code SENTINEL GET-MASTER-ADDR-BY-NAME}), on one
	 * connection to the first sentinel that answers, as a Sentinel client asks. Called on the
	 * writer's thread only.
	 */
	private static final class SentinelMaster implements Supplier<String>, AutoCloseable {

		private final LocalSentinelSetup setup;

		private Jedis sentinel;

		SentinelMaster(LocalSentinelSetup setup) {
			this.setup = setup;
		}

		@Override
		public String get() {
			for (int attempt = 0; attempt < 2; attempt++) {
				try {
					if (this.sentinel == null) {
						this.sentinel = this.setup.sentinels().get(attempt).jedis();
					}
					List<String> address = this.sentinel.sentinelGetMasterAddrByName(this.setup.masterName());
					return address.get(0) + ":" + address.get(1);
				}
				catch (RuntimeException ex) {
					close();
				}
			}
			throw new IllegalStateException("No sentinel answered");
		}

		@Override
		public void close() {
			if (this.sentinel != null) {
				try {
					this.sentinel.close();
				}
				catch (RuntimeException ex) {
					// already broken
				}
				this.sentinel = null;
			}
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class GroupApplication {

		@Bean
		Recorder recorder() {
			return new Recorder();
		}

	}

}
