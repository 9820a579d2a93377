package io.keyspace.notifications.autoconfigure;

import io.keyspace.notifications.actuate.KeyspaceNotificationsEndpoint;
import io.keyspace.notifications.actuate.RecentGaps;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class KeyspaceNotificationsEndpointAutoConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
				KeyspaceNotificationsAutoConfiguration.class, EndpointAutoConfiguration.class,
				KeyspaceNotificationsEndpointAutoConfiguration.class))
		.withPropertyValues("keyspace-notifications.auto-startup=false");

	@Test
	void theEndpointExistsOnlyWhenExposed() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(KeyspaceNotificationsEndpoint.class));
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=keyspacenotifications")
			.run((context) -> assertThat(context).hasSingleBean(KeyspaceNotificationsEndpoint.class)
				.hasSingleBean(RecentGaps.class));
	}

	@Test
	void theEndpointCanBeSwitchedOffLikeAnyOther() {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=*",
					"management.endpoint.keyspacenotifications.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(KeyspaceNotificationsEndpoint.class));
	}

	@Test
	void backsOffWithoutTheActuator() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate.endpoint"))
			.withPropertyValues("management.endpoints.web.exposure.include=keyspacenotifications")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(KeyspaceNotificationsEndpoint.class));
	}

}
