package io.keyspace.notifications.annotation;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.keyspace.notifications.ChannelType;
import io.keyspace.notifications.listener.KeyEventEndpoint;
import io.keyspace.notifications.listener.KeyspaceNotificationListenerContainer;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.RepeatableContainers;
import org.springframework.util.ClassUtils;

/**
 * Finds {@link OnKeyEvent} methods on every bean (also behind AOP proxies, also through
 * meta-annotations and repeats) and registers them with a listener container.
 * <p>
 * A method's signature is checked when its bean is created; the annotation is turned into
 * channels once all singletons exist, when the container and the endpoint factory can be
 * looked up, and checked against the node the container reads from ({@link ReadFromCheck}).
 * Each failure stops the application with a message naming {@code BeanClass#method}.
 * <p>
 * A group is one handler's work shared by the application's instances, so two handlers in
 * one group of a container are refused, naming both.
 */
public class OnKeyEventBeanPostProcessor implements BeanPostProcessor, BeanFactoryAware, SmartInitializingSingleton {

	/** Bean name of the auto-configured container, used when {@code container} is not set. */
	public static final String DEFAULT_CONTAINER_BEAN_NAME = "keyspaceNotificationListenerContainer";

	private final Set<Class<?>> classesWithoutAnnotations = ConcurrentHashMap.newKeySet();

	private final List<PendingHandler> pending = new ArrayList<>();

	/** The handler of each group, by container and group. */
	private final Map<List<String>, String> groupHandlers = new HashMap<>(); // guarded by pending

	private ConfigurableBeanFactory beanFactory;

	private boolean singletonsInstantiated;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (ConfigurableBeanFactory) beanFactory;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		Class<?> targetClass = AopUtils.getTargetClass(bean);
		if (this.classesWithoutAnnotations.contains(targetClass)
				|| !AnnotationUtils.isCandidateClass(targetClass, OnKeyEvent.class)) {
			return bean;
		}
		Map<Method, List<MergedAnnotation<OnKeyEvent>>> methods = MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<List<MergedAnnotation<OnKeyEvent>>>) (method) -> {
					List<MergedAnnotation<OnKeyEvent>> found = annotations(method);
					return found.isEmpty() ? null : found;
				});
		if (methods.isEmpty()) {
			this.classesWithoutAnnotations.add(targetClass);
			return bean;
		}
		methods.forEach((method, annotations) -> {
			String name = ClassUtils.getUserClass(targetClass).getSimpleName() + "#" + method.getName();
			Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
			MethodHandlerAdapter handler = new MethodHandlerAdapter(bean, invocable, name);
			for (MergedAnnotation<OnKeyEvent> annotation : annotations) {
				register(new PendingHandler(resolve(annotation, "container"), attributes(name, annotation), handler));
			}
		});
		return bean;
	}

	@Override
	public void afterSingletonsInstantiated() {
		List<PendingHandler> ready;
		synchronized (this.pending) {
			this.singletonsInstantiated = true;
			ready = new ArrayList<>(this.pending);
			this.pending.clear();
		}
		ready.forEach(this::registerWithContainer);
	}

	private void register(PendingHandler handler) {
		synchronized (this.pending) {
			if (!this.singletonsInstantiated) {
				this.pending.add(handler);
				return;
			}
		}
		registerWithContainer(handler); // a lazy bean created after startup
	}

	private void registerWithContainer(PendingHandler handler) {
		String containerName = handler.container().isEmpty() ? DEFAULT_CONTAINER_BEAN_NAME : handler.container();
		if (!this.beanFactory.containsBean(containerName)) {
			throw new InvalidOnKeyEventException(handler.attributes().handlerName(),
					"there is no listener container bean named '" + containerName + "'",
					handler.container().isEmpty()
							? "Configure Redis (spring.data.redis.*) so that the listener container is auto-configured, "
									+ "or define a KeyspaceNotificationListenerContainer bean with that name"
							: "Set container to the name of a KeyspaceNotificationListenerContainer bean");
		}
		KeyspaceNotificationListenerContainer container = this.beanFactory.getBean(containerName,
				KeyspaceNotificationListenerContainer.class);
		OnKeyEventEndpointFactory factory = this.beanFactory.getBean(OnKeyEventEndpointFactory.class);
		KeyEventEndpoint endpoint = factory.create(handler.attributes(),
				handler.handler().withTimeout(factory.handlerTimeout()));
		ReadFromCheck.check(handler.attributes(), container.readFrom());
		if (endpoint.grouped()) {
			checkGroup(handler.attributes(), containerName, container);
		}
		container.register(endpoint);
	}

	private void checkGroup(OnKeyEventEndpointFactory.Attributes attributes, String containerName,
			KeyspaceNotificationListenerContainer container) {
		String group = attributes.group();
		if (!container.supportsGroups()) {
			throw new InvalidOnKeyEventException(attributes.handlerName(), "it has group '" + group
					+ "', but the listener container '" + containerName + "' has no NotificationGroups to run it",
					"Let the auto-configuration create the NotificationGroups bean (it needs spring.data.redis.* or "
							+ "another Redis connection details bean), or call setNotificationGroups(...) on your "
							+ "KeyspaceNotificationListenerContainer; or remove group to call the method in every instance");
		}
		String other;
		synchronized (this.pending) {
			other = this.groupHandlers.putIfAbsent(List.of(containerName, group), attributes.handlerName());
		}
		if (attributes.handlerName().equals(other)) {
			throw new InvalidOnKeyEventException(attributes.handlerName(), "two of its @OnKeyEvent annotations have "
					+ "group '" + group + "', and a group has one handler: the instances of the application share its work",
					"Name all keys and events in one @OnKeyEvent with that group, or give each annotation its own group");
		}
		if (other != null) {
			throw new InvalidOnKeyEventException(attributes.handlerName(), "group '" + group
					+ "' already has the handler " + other + ", and a group has one handler: the instances of the "
					+ "application share its work",
					"Give each handler its own group, e.g. group = \"" + group + "-" + methodName(attributes) + "\"");
		}
	}

	private static String methodName(OnKeyEventEndpointFactory.Attributes attributes) {
		String name = attributes.handlerName();
		return name.substring(name.indexOf('#') + 1);
	}

	private static List<MergedAnnotation<OnKeyEvent>> annotations(Method method) {
		return MergedAnnotations
			.from(method, SearchStrategy.DIRECT, RepeatableContainers.standardRepeatables())
			.stream(OnKeyEvent.class)
			.toList();
	}

	private OnKeyEventEndpointFactory.Attributes attributes(String name, MergedAnnotation<OnKeyEvent> annotation) {
		return new OnKeyEventEndpointFactory.Attributes(name, resolveAll(annotation, "key"),
				resolveAll(annotation, "event"), annotation.getEnumArray("type", ChannelType.class),
				resolve(annotation, "subkey"), resolve(annotation, "db"), resolve(annotation, "id"),
				resolve(annotation, "group"), annotation.getBoolean("resync"));
	}

	private List<String> resolveAll(MergedAnnotation<OnKeyEvent> annotation, String attribute) {
		return Arrays.stream(annotation.getStringArray(attribute)).map(this::resolve).toList();
	}

	private String resolve(MergedAnnotation<OnKeyEvent> annotation, String attribute) {
		return resolve(annotation.getString(attribute));
	}

	private String resolve(String value) {
		String resolved = (this.beanFactory != null) ? this.beanFactory.resolveEmbeddedValue(value) : value;
		return (resolved != null) ? resolved : "";
	}

	private record PendingHandler(String container, OnKeyEventEndpointFactory.Attributes attributes,
			MethodHandlerAdapter handler) {
	}

}
