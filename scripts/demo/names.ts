// Small lists the demo accounts are drawn from: holders, Kaluga region addresses, meter models.
import type { Random } from './random.ts';

const surnames = [
  'Иванов', 'Петров', 'Смирнов', 'Кузнецов', 'Попов', 'Васильев', 'Соколов', 'Михайлов', 'Новиков', 'Фёдоров',
  'Морозов', 'Волков', 'Алексеев', 'Лебедев', 'Семёнов', 'Егоров', 'Павлов', 'Козлов', 'Степанов', 'Николаев',
  'Орлов', 'Андреев', 'Макаров', 'Никитин', 'Захаров', 'Зайцев', 'Соловьёв', 'Борисов', 'Яковлев', 'Григорьев',
];
const initials = ['А', 'В', 'Г', 'Д', 'Е', 'И', 'К', 'Л', 'М', 'Н', 'О', 'П', 'С', 'Т', 'Ю'];

const cities = [
  { name: '248000, г. Калуга', weight: 10 },
  { name: '249030, г. Обнинск', weight: 4 },
  { name: '249400, г. Людиново', weight: 1 },
  { name: '249720, г. Козельск', weight: 1 },
  { name: '249090, г. Малоярославец', weight: 1 },
  { name: '249830, г. Кондрово', weight: 1 },
];
const streets = [
  'ул. Ленина', 'ул. Кирова', 'ул. Суворова', 'ул. Гагарина', 'ул. Московская', 'ул. Никитина', 'ул. Болдина',
  'ул. Циолковского', 'ул. Маркса', 'ул. Пушкина', 'ул. Октябрьская', 'ул. Георгиевская', 'ул. Дзержинского',
  'ул. Тульская', 'ул. Труда', 'ул. Каракозова',
];
const villages = [
  'Дзержинский р-н, д. Никольское', 'Ферзиковский р-н, с. Ферзиково', 'Перемышльский р-н, с. Перемышль',
  'Бабынинский р-н, п. Воротынск', 'Жуковский р-н, с. Тарутино', 'Малоярославецкий р-н, д. Ерденево',
  'Козельский р-н, с. Попелёво', 'Медынский р-н, д. Михальчуково', 'Тарусский р-н, д. Похвиснево',
  'Юхновский р-н, д. Плоское',
];
const villageStreets = ['ул. Садовая', 'ул. Центральная', 'ул. Полевая', 'ул. Молодёжная', 'ул. Лесная', 'ул. Школьная'];

export const singleZoneModels = ['Меркурий 201.5', 'Энергомера CE101', 'Нева 101 1S0', 'Миртек 12-РУ'] as const;
export const multiZoneModels = ['Меркурий 200.02', 'Энергомера CE102M', 'Нева МТ 124', 'Милур 107.12'] as const;

export function holderName(random: Random): string {
  const surname = random.pick(surnames) + (random.chance(0.55) ? 'а' : '');
  return `${surname} ${random.pick(initials)}. ${random.pick(initials)}.`;
}

export function urbanAddress(random: Random): string {
  const city = cities[random.weighted(cities.map((c) => c.weight))].name;
  return `${city}, ${random.pick(streets)}, д. ${random.int(1, 120)}, кв. ${random.int(1, 180)}`;
}

export function ruralAddress(random: Random): string {
  return `Калужская обл., ${random.pick(villages)}, ${random.pick(villageStreets)}, д. ${random.int(1, 60)}`;
}
