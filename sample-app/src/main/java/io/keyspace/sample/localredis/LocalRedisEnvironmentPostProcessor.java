package io.keyspace.sample.localredis;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import redis.embedded.RedisExecProvider;
import redis.embedded.RedisServer;

import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Makes {@code ./mvnw -pl sample-app -am spring-boot:run} work without a Redis: when the
 * application configures none ({@code spring.data.redis.host}, {@code port}, {@code url},
 * {@code cluster.nodes}, {@code sentinel.master}, {@code sentinel.nodes} and
 * {@code masterreplica.nodes} are all unset; the {@code sentinel} profile sets the sentinel
 * ones), it starts a local redis-server with keyspace notifications on ({@link LocalRedis})
 * and points {@code spring.data.redis.host/port} at it. The server is stopped when the application
 * context is closed (after every bean that uses it), or at the latest when the JVM exits
 * (embedded-redis registers a shutdown hook).
 * <p>
 * Set {@code sample.local-redis.enabled=false} to never start one (the tests do, since
 * their {@code @DynamicPropertySource} or {@code @ServiceConnection} is applied after this
 * runs), and {@code sample.local-redis.binary} (or the {@code REDIS_SERVER} environment
 * variable) to choose the executable.
 */
public class LocalRedisEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	public static final String ENABLED_PROPERTY = "sample.local-redis.enabled";

	public static final String BINARY_PROPERTY = "sample.local-redis.binary";

	/** Bean name under which the running server is registered in the application context. */
	public static final String BEAN_NAME = "localRedisServer";

	static final String PROPERTY_SOURCE_NAME = "localRedisServer";

	// Any of these means the user has a Redis of their own in mind.
	private static final List<String> CONNECTION_PROPERTIES = List.of("spring.data.redis.host",
			"spring.data.redis.port", "spring.data.redis.url", "spring.data.redis.cluster.nodes",
			"spring.data.redis.sentinel.master", "spring.data.redis.sentinel.nodes",
			"spring.data.redis.masterreplica.nodes");

	private final Log logger;

	public LocalRedisEnvironmentPostProcessor(DeferredLogFactory logFactory) {
		this.logger = logFactory.getLog(LocalRedisEnvironmentPostProcessor.class);
	}

	@Override
	public int getOrder() {
		// After application.yml, profiles and command-line arguments have been loaded.
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (environment.getPropertySources().contains(PROPERTY_SOURCE_NAME)) {
			return; // already done for this environment (e.g. a second pass by a bootstrap context)
		}
		Binder binder = Binder.get(environment);
		if (!binder.bind(ENABLED_PROPERTY, Boolean.class).orElse(true)) {
			return;
		}
		List<String> configured = CONNECTION_PROPERTIES.stream().filter((name) -> isSet(binder, name)).toList();
		if (!configured.isEmpty()) {
			this.logger.info("Using the Redis configured by " + String.join(", ", configured)
					+ "; not starting a local redis-server. Make sure it has notify-keyspace-events set (e.g. KEA).");
			return;
		}
		Path binary = LocalRedis.binary(binder.bind(BINARY_PROPERTY, String.class).orElse(null),
				System.getenv(LocalRedis.ENV_VARIABLE), System.getenv("PATH"));
		RedisServer server = LocalRedis.start(binary);
		int port = server.ports().get(0);
		environment.getPropertySources()
			.addFirst(new MapPropertySource(PROPERTY_SOURCE_NAME,
					Map.of("spring.data.redis.host", LocalRedis.HOST, "spring.data.redis.port", port)));
		String version = (binary != null) ? binary.toString()
				: "the embedded-redis jar's " + RedisExecProvider.redisVersion;
		this.logger.info("No Redis configured (spring.data.redis.host/port/url/cluster.nodes/sentinel.*/"
				+ "masterreplica.nodes unset): started redis-server on " + LocalRedis.HOST + ":" + port + " (" + version
				+ ") with notify-keyspace-events " + LocalRedis.NOTIFY_KEYSPACE_EVENTS
				+ ". It stops with the application. Set spring.data.redis.host/port, or run with "
				+ "--spring.profiles.active=sentinel, to use your own Redis.");
		application.addListeners(new StopWithContext(server));
	}

	private static boolean isSet(Binder binder, String name) {
		return binder.bind(name, Bindable.listOf(String.class)).map((values) -> !values.isEmpty()).orElse(false);
	}

	/**
	 * Registers the server as a disposable singleton before any bean exists, so that it is
	 * destroyed last: the keyspace subscriber and the connection pool close first, and
	 * nothing logs a lost connection on a normal shutdown.
	 */
	private record StopWithContext(RedisServer server) implements ApplicationListener<ApplicationPreparedEvent> {

		@Override
		public void onApplicationEvent(ApplicationPreparedEvent event) {
			if (event.getApplicationContext().getBeanFactory() instanceof DefaultSingletonBeanRegistry registry
					&& !registry.containsSingleton(BEAN_NAME)) {
				registry.registerSingleton(BEAN_NAME, this.server);
				registry.registerDisposableBean(BEAN_NAME, this.server::stop);
			}
		}

	}

}
