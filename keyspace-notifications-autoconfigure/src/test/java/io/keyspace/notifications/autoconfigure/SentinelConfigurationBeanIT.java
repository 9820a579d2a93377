package io.keyspace.notifications.autoconfigure;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.keyspace.notifications.KeyspaceNotifications;
import io.keyspace.notifications.SentinelKeyspaceNotifications;
import io.keyspace.notifications.annotation.OnKeyEvent;
import io.keyspace.notifications.testing.RedisSentinelExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An application that configures Sentinel with a {@link RedisSentinelConfiguration} bean, not
 * with properties, against real sentinels: the starter follows the bean, as Spring Boot's
 * connection factory does, and its handlers hear the master.
 */
class SentinelConfigurationBeanIT {

	@RegisterExtension
	static final RedisSentinelExtension sentinel = RedisSentinelExtension.create();

	@Test
	void handlersHearTheMasterTheSentinelsOfTheBeanName() {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(BeanConfiguredApplication.class)
			.web(WebApplicationType.NONE)
			.run()) {
			KeyspaceNotifications notifications = context.getBean(KeyspaceNotifications.class);
			assertThat(notifications).isInstanceOf(SentinelKeyspaceNotifications.class);
			await().atMost(Duration.ofSeconds(20)).until(notifications::isSubscribed);
			try (Jedis master = sentinel.setup().master().jedis()) {
				master.set("sb:1", "v");
			}
			Changes changes = context.getBean(Changes.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> changes.keys.contains("sb:1"));
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class BeanConfiguredApplication {

		@Bean
		RedisSentinelConfiguration redisSentinelConfiguration() {
			return new RedisSentinelConfiguration(sentinel.setup().masterName(),
					new HashSet<>(sentinel.setup().sentinelAddresses()));
		}

		@Bean
		Changes changes() {
			return new Changes();
		}

	}

	static class Changes {

		final List<String> keys = new CopyOnWriteArrayList<>();

		@OnKeyEvent(key = "sb:*", event = "set")
		void changed(String key) {
			this.keys.add(key);
		}

	}

}
