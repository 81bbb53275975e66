import { describeResource } from '../../shared/description';
import { addUser } from './addUser';
import { create } from './create';
import { disable } from './disable';
import { getCollections } from './getCollections';
import { getMany } from './getMany';
import { getUsers } from './getUsers';
import { getUserSubscriptions } from './getUserSubscriptions';
import { removeUser } from './removeUser';
import { syncMembers } from './syncMembers';

export const subscriptionOperations = [addUser, create, disable, getCollections, getMany, getUserSubscriptions, getUsers, removeUser, syncMembers];

export const subscriptionDescription = describeResource('subscription', subscriptionOperations, { defaultOperation: 'addUser' });
