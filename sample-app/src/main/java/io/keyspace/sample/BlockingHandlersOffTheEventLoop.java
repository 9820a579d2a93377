package io.keyspace.sample;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.web.reactive.config.BlockingExecutionConfigurer;
import org.springframework.web.reactive.config.WebFluxConfigurer;

/**
 * On WebFlux (the {@code webflux} profile) the sample's controllers still call Redis through
 * blocking clients (the cache, {@code StringRedisTemplate}): run the handler methods that do not
 * return a reactive type on the application's task executor, never on a Reactor Netty event
 * loop. The event streams return a {@code Flux} and stay where they are: they do not block.
 * Boot sets this up by itself only with virtual threads (Java 21).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = Type.REACTIVE)
class BlockingHandlersOffTheEventLoop implements WebFluxConfigurer {

	private final AsyncTaskExecutor executor;

	BlockingHandlersOffTheEventLoop(@Qualifier("applicationTaskExecutor") AsyncTaskExecutor executor) {
		this.executor = executor;
	}

	@Override
	public void configureBlockingExecution(BlockingExecutionConfigurer configurer) {
		configurer.setExecutor(this.executor);
	}

}
