package io.keyspace.notifications.aot;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;

import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.annotation.OnKeyEvent;
import io.keyspace.notifications.autoconfigure.KeyspaceNotificationsAutoConfiguration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.util.RedisInputStream;

import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.core.annotation.AliasFor;
import org.springframework.javapoet.ClassName;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Processes an application with {@code @OnKeyEvent} methods ahead of time, as the Spring Boot
 * build plugins do for a native image, and checks the reflection hints it produces.
 */
class OnKeyEventAotTest {

	private static RuntimeHints hints;

	@BeforeAll
	static void processAheadOfTime() {
		try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
			context.setEnvironment(new MockEnvironment().withProperty("spring.data.redis.host", "redis.example"));
			context.register(DataRedisAutoConfiguration.class, KeyspaceNotificationsAutoConfiguration.class,
					HandlerConfiguration.class);
			DefaultGenerationContext generation = new DefaultGenerationContext(
					new ClassNameGenerator(ClassName.get(OnKeyEventAotTest.class)),
					new InMemoryGeneratedFiles());
			new ApplicationContextAotGenerator().processAheadOfTime(context, generation);
			hints = generation.getRuntimeHints();
		}
	}

	@Test
	void anAnnotatedMethodCanBeCalledReflectively() {
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Handlers.class, "onProduct")).accepts(hints);
	}

	@Test
	void repeatedAndMetaAnnotatedMethodsToo() {
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Handlers.class, "onTwoKeys")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Handlers.class, "onExpired")).accepts(hints);
	}

	@Test
	void aMethodWithoutTheAnnotationGetsNoHint() {
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Handlers.class, "notAHandler"))
			.rejects(hints);
	}

	@Test
	void theReadBufferFieldsOfJedisAreAccessible() {
		assertThat(RuntimeHintsPredicates.reflection().onFieldAccess(RedisInputStream.class, "count")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onFieldAccess(RedisInputStream.class, "limit")).accepts(hints);
	}

	@Target(ElementType.METHOD)
	@Retention(RetentionPolicy.RUNTIME)
	@OnKeyEvent(event = "expired")
	@interface OnExpired {

		@AliasFor(annotation = OnKeyEvent.class, attribute = "key")
		String[] value() default {};

	}

	@Configuration(proxyBeanMethods = false)
	static class HandlerConfiguration {

		@Bean
		Handlers handlers() {
			return new Handlers();
		}

	}

	static class Handlers {

		@OnKeyEvent(key = "product:*", event = "set")
		void onProduct(KeyNotification notification) {
		}

		@OnKeyEvent(key = "a:*")
		@OnKeyEvent(key = "b:*")
		private void onTwoKeys(String key, List<String> subkeys) {
		}

		@OnExpired("session:*")
		void onExpired(byte[] key) {
		}

		void notAHandler() {
		}

	}

}
