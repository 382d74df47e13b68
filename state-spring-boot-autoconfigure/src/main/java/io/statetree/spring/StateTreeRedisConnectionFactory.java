package io.statetree.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.beans.factory.annotation.Qualifier;

/**
 * Qualifies the {@code RedisConnectionFactory} StateTree's Redis backend should use, when it
 * differs from the application's own. Without a qualified bean, the backend uses the
 * application's (primary) {@code RedisConnectionFactory}.
 * <pre class="code">
 * &#64;Bean
 * &#64;StateTreeRedisConnectionFactory
 * LettuceConnectionFactory stateTreeRedis() { ... }
 * </pre>
 */
@Target({ ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.TYPE,
		ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Qualifier
public @interface StateTreeRedisConnectionFactory {

}
