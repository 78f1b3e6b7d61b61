import { makeResolver } from '@forge/resolver';
import Resolver from '@forge/resolver';
console.log(typeof makeResolver, typeof Resolver, Object.keys(Resolver as object));
