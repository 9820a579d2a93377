package io.keyspace.sample.localredis;

import java.io.IOException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Redis of the user's own, Sentinel included, means no local server. A binary that does not
 * exist is configured throughout, so that a regression fails here instead of starting one.
 */
class LocalRedisEnvironmentPostProcessorTest {

	private final LocalRedisEnvironmentPostProcessor postProcessor = new LocalRedisEnvironmentPostProcessor(
			(destination) -> destination.get());

	@ParameterizedTest
	@ValueSource(strings = { "spring.data.redis.sentinel.master=mymaster",
			"spring.data.redis.sentinel.nodes=10.0.0.1:26379", "spring.data.redis.masterreplica.nodes=10.0.0.1:6379",
			"spring.data.redis.cluster.nodes=10.0.0.1:7000", "spring.data.redis.host=redis.example" })
	void aConfiguredRedisStartsNoLocalServer(String property) {
		MockEnvironment environment = environment();
		String[] nameAndValue = property.split("=", 2);
		environment.setProperty(nameAndValue[0], nameAndValue[1]);
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(startedLocalServer(environment)).isFalse();
	}

	@Test
	void theSentinelProfileStartsNoLocalServerAndNamesTheMasterAndTheSentinels() throws IOException {
		MockEnvironment environment = environment();
		new YamlPropertySourceLoader().load("application-sentinel", new ClassPathResource("application-sentinel.yml"))
			.forEach(environment.getPropertySources()::addLast);
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(startedLocalServer(environment)).isFalse();
		assertThat(environment.getProperty("spring.data.redis.sentinel.master")).isNotBlank();
		assertThat(environment.getProperty("spring.data.redis.sentinel.nodes")).contains(":");
	}

	private static MockEnvironment environment() {
		return new MockEnvironment().withProperty(LocalRedisEnvironmentPostProcessor.BINARY_PROPERTY,
				"/nonexistent/redis-server");
	}

	private static boolean startedLocalServer(ConfigurableEnvironment environment) {
		return environment.getPropertySources().contains(LocalRedisEnvironmentPostProcessor.PROPERTY_SOURCE_NAME);
	}

}
