package io.keyspace.notifications.autoconfigure;

import io.keyspace.notifications.KeyspaceNotifications;
import io.keyspace.notifications.annotation.OnKeyEvent;
import io.keyspace.notifications.listener.KeyspaceNotificationListenerContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.mockito.Mockito.mock;

/**
 * Sentinel and master/replica setups: the application starts without a notifications bean,
 * and only something that needs one fails, with a report naming the property and the fix.
 * Spring's own Jedis connection factory would connect to Sentinel eagerly, so a stand-in
 * takes its place.
 */
@ExtendWith(OutputCaptureExtension.class)
class UnsupportedRedisTopologyTest {

	private static final String FIX = "Point spring.data.redis.host and spring.data.redis.port at the primary, "
			+ "or set keyspace-notifications.enabled=false";

	@ParameterizedTest
	@ValueSource(strings = { "spring.data.redis.sentinel.master=mymaster", "spring.data.redis.masterreplica.nodes=10.0.0.1:6379" })
	void anApplicationThatNeedsNoNotificationsStarts(String setup) {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					KeyspaceNotificationsAutoConfiguration.class))
			.withBean(RedisConnectionFactory.class, () -> mock(RedisConnectionFactory.class))
			.withPropertyValues(setup)
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(KeyspaceNotifications.class)
				.doesNotHaveBean(KeyspaceNotificationListenerContainer.class));
	}

	@Test
	void connectionDetailsFromElsewhereThatDescribeSentinelFailNamingTheBeanAndTheFix() {
		DataRedisConnectionDetails.Sentinel sentinel = mock(DataRedisConnectionDetails.Sentinel.class);
		DataRedisConnectionDetails details = new DataRedisConnectionDetails() {

			@Override
			public String getPassword() {
				return "secret";
			}

			@Override
			public Sentinel getSentinel() {
				return sentinel;
			}

		};
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					KeyspaceNotificationsAutoConfiguration.class))
			.withBean(RedisConnectionFactory.class, () -> mock(RedisConnectionFactory.class))
			.withBean(DataRedisConnectionDetails.class, () -> details)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("describes Redis Sentinel")
				.hasMessageContaining(FIX)
				.message()
				.doesNotContain("secret"));
	}

	@ParameterizedTest
	@CsvSource({ "spring.data.redis.sentinel.master=mymaster, spring.data.redis.sentinel.*, Redis Sentinel",
			"spring.data.redis.masterreplica.nodes=10.0.0.1:6379, spring.data.redis.masterreplica.nodes, master/replica" })
	void anOnKeyEventMethodFailsStartupNamingThePropertyAndTheFix(String setup, String property, String kind,
			CapturedOutput output) {
		assertThatException().isThrownBy(() -> run(HandlerApplication.class, setup));
		assertThat(output).contains("The @OnKeyEvent method Handler#onKey cannot be used")
			.contains(kind)
			.contains("(" + property + ") is not supported by keyspace-notifications")
			.contains(FIX);
	}

	@ParameterizedTest
	@CsvSource({ "spring.data.redis.sentinel.master=mymaster, spring.data.redis.sentinel.*",
			"spring.data.redis.masterreplica.nodes=10.0.0.1:6379, spring.data.redis.masterreplica.nodes" })
	void aBeanThatNeedsTheNotificationsFailsStartupNamingThePropertyAndTheFix(String setup, String property,
			CapturedOutput output) {
		assertThatException().isThrownBy(() -> run(UserBeanApplication.class, setup));
		assertThat(output).contains("A bean of type " + KeyspaceNotifications.class.getName() + " is needed")
			.contains("(" + property + ") is not supported by keyspace-notifications")
			.contains(FIX);
	}

	private static void run(Class<?> application, String setup) {
		new SpringApplicationBuilder(application).web(WebApplicationType.NONE)
			.properties(setup, "spring.main.banner-mode=off")
			.run()
			.close();
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, KeyspaceNotificationsAutoConfiguration.class })
	static class StandIn {

		@Bean
		RedisConnectionFactory redisConnectionFactory() {
			return mock(RedisConnectionFactory.class);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class HandlerApplication extends StandIn {

		@Bean
		Handler handler() {
			return new Handler();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeanApplication extends StandIn {

		@Bean
		String needsNotifications(KeyspaceNotifications notifications) {
			return notifications.toString();
		}

	}

	static class Handler {

		@OnKeyEvent(key = "k:*")
		void onKey(String key) {
		}

	}

}
