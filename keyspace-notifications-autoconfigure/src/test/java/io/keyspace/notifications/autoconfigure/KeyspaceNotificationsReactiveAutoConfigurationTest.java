package io.keyspace.notifications.autoconfigure;

import java.time.Duration;

import io.keyspace.notifications.KeyspaceNotifications;
import io.keyspace.notifications.annotation.OnKeyEventEndpointFactory;
import io.keyspace.notifications.reactive.ReactiveKeyspaceNotifications;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class KeyspaceNotificationsReactiveAutoConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
				KeyspaceNotificationsAutoConfiguration.class, KeyspaceNotificationsReactiveAutoConfiguration.class));

	@Test
	void readsTheApplicationsNotificationsWithTheConfiguredBufferAndHandlerTimeout() {
		this.runner
			.withPropertyValues("keyspace-notifications.reactive.buffer-size=512",
					"keyspace-notifications.reactive.handler-timeout=5s")
			.run((context) -> {
				ReactiveKeyspaceNotifications reactive = context.getBean(ReactiveKeyspaceNotifications.class);
				assertThat(reactive.notifications()).isSameAs(context.getBean(KeyspaceNotifications.class));
				assertThat(reactive.bufferSize()).isEqualTo(512);
				assertThat(context.getBean(OnKeyEventEndpointFactory.class).handlerTimeout())
					.isEqualTo(Duration.ofSeconds(5));
			});
	}

	@Test
	void defaultsToTheDocumentedBufferAndTimeout() {
		this.runner.run((context) -> {
			assertThat(context.getBean(ReactiveKeyspaceNotifications.class).bufferSize())
				.isEqualTo(ReactiveKeyspaceNotifications.DEFAULT_BUFFER_SIZE);
			assertThat(context.getBean(OnKeyEventEndpointFactory.class).handlerTimeout())
				.isEqualTo(Duration.ofSeconds(30));
		});
	}

	@Test
	void backsOffWithoutReactorOrWhenTheApplicationDefinesItsOwn() {
		this.runner.withClassLoader(new FilteredClassLoader(Flux.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ReactiveKeyspaceNotifications.class)
				.hasSingleBean(KeyspaceNotifications.class));
		this.runner
			.withUserConfiguration(OwnReactive.class)
			.run((context) -> assertThat(context).hasSingleBean(ReactiveKeyspaceNotifications.class)
				.hasBean("ownReactive"));
	}

	@Test
	void aBufferSizeBelowOneNamesTheProperty() {
		this.runner.withPropertyValues("keyspace-notifications.reactive.buffer-size=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, (ex) -> {
					assertThat(ex.getName()).isEqualTo("keyspace-notifications.reactive.buffer-size");
					assertThat(ex.getReason()).isEqualTo("must be at least 1");
				}));
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnReactive {

		@Bean
		ReactiveKeyspaceNotifications ownReactive(KeyspaceNotifications notifications) {
			return new ReactiveKeyspaceNotifications(notifications, 16, Schedulers.immediate());
		}

	}

}
